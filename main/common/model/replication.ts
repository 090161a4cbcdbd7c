import { z } from 'zod';

/** One disk of a server and the image file that holds it (a path on the consultant's machine, never a secret). */
export const ReplicationDiskSchema = z.object({
  disk: z.string().min(1).max(200),
  image: z.string().min(1).max(4096),
});

export const ReplicationRunSummarySchema = z.object({
  at: z.string(),
  status: z.enum(['completed', 'inconsistent', 'failed']),
  snapshots: z.array(z.object({ disk: z.string(), snapshotId: z.string().nullable(), status: z.enum(['completed', 'inconsistent', 'failed']) })).max(64),
});

/** A server's replication settings and its last run. Credentials, profiles and endpoints are per user, not stored here. */
export const ReplicationServerSchema = z.object({
  serverId: z.string().min(1),
  disks: z.array(ReplicationDiskSchema).max(64),
  transport: z.enum(['ebs']).default('ebs'),
  region: z.string().max(64).optional(),
  lastRun: ReplicationRunSummarySchema.optional(),
});
export type ReplicationServer = z.infer<typeof ReplicationServerSchema>;

/** Stored in the project document as `replication` (optional; absent in files written before it existed). */
export const ReplicationStateSchema = z.object({ servers: z.array(ReplicationServerSchema).max(100_000).default([]) });
export type ReplicationState = z.infer<typeof ReplicationStateSchema>;
