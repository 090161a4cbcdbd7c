import { z } from 'zod';

/** One disk of a server and the image file that holds it (a path on the consultant's machine, never a secret). */
export const ReplicationDiskSchema = z.object({
  disk: z.string().min(1).max(200),
  image: z.string().min(1).max(4096),
});

export const ReplicationRunSummarySchema = z.object({
  at: z.string(),
  status: z.enum(['completed', 'inconsistent', 'failed']),
  snapshots: z.array(z.object({
    disk: z.string(),
    snapshotId: z.string().nullable(),
    status: z.enum(['completed', 'inconsistent', 'failed']),
    /** Logical size of the disk, bytes sent by the run, blocks sent (absent in runs recorded before they were kept). */
    bytesTotal: z.number().nonnegative().optional(),
    bytesSent: z.number().nonnegative().optional(),
    blocksSent: z.number().int().nonnegative().optional(),
    seconds: z.number().nonnegative().optional(),
  })).max(64),
  /** The AMI the run produced, when it made one. */
  amiId: z.string().max(64).optional(),
  /** Whether the run's snapshots and AMI were encrypted (absent in runs recorded before it was kept: encrypted). */
  encrypted: z.boolean().optional(),
  /** How the run travelled: EBS direct snapshots, or the whole disk staged in S3 for VM Import (absent in runs recorded before it was kept). */
  transport: z.enum(['ebs', 's3']).optional(),
  /** Why a run failed or was inconsistent, in words (never credentials). */
  message: z.string().max(2000).optional(),
});
export type ReplicationRunSummary = z.infer<typeof ReplicationRunSummarySchema>;

/** A server's replication settings and its last run. Credentials, profiles and endpoints are per user, not stored here. */
export const ReplicationServerSchema = z.object({
  serverId: z.string().min(1),
  disks: z.array(ReplicationDiskSchema).max(64),
  /** How the last run travelled: EBS direct snapshots, or S3 staging + VM Import. */
  transport: z.enum(['ebs', 's3']).default('ebs'),
  region: z.string().max(64).optional(),
  /** The server's own schedule: a run every N hours (1–24) after the last one ended; absent = one-time runs. */
  everyHours: z.number().int().min(1).max(24).optional(),
  /**
   * Encryption of the snapshots and AMIs: absent or true = encrypted (the application's KMS key, else the account's
   * default EBS key); false only when the user turned it off explicitly (the export and runbook say so).
   */
  encrypted: z.boolean().optional(),
  lastRun: ReplicationRunSummarySchema.optional(),
  /** Finished runs, oldest first, at most the 50 most recent (the dashboard's history). */
  runs: z.array(ReplicationRunSummarySchema).max(50).optional(),
});
export type ReplicationServer = z.infer<typeof ReplicationServerSchema>;

/** Stored in the project document as `replication` (optional; absent in files written before it existed). */
export const ReplicationStateSchema = z.object({ servers: z.array(ReplicationServerSchema).max(100_000).default([]) });
export type ReplicationState = z.infer<typeof ReplicationStateSchema>;

/** The AMI of a server's most recent run that made one (the default of its AMI parameter in the export). */
export function latestReplicatedAmi(state: ReplicationState | undefined, serverId: string): { amiId: string; encrypted: boolean; at: string } | undefined {
  const server = state?.servers.find((x) => x.serverId === serverId);
  if (!server) return undefined;
  const runs = [...(server.runs ?? []), ...(server.lastRun ? [server.lastRun] : [])];
  let best: ReplicationRunSummary | undefined;
  for (const r of runs) if (r.amiId && (!best || r.at >= best.at)) best = r;
  return best?.amiId ? { amiId: best.amiId, encrypted: best.encrypted !== false, at: best.at } : undefined;
}
