import { z } from 'zod';
import { channel } from '../define';
import { ReplicationStageSchema } from '../events';
import { ReplicationServerSchema } from '../../model/replication';
import { s3BucketNameProblem } from '../../model/s3-bucket';

/** How runs travel: EBS direct snapshots (block level, incremental) or the whole disk staged in S3 for VM Import. */
export const ReplicationTransportSchema = z.enum(['ebs', 's3']);
/** An S3 bucket name by AWS's naming rules (the reason in words when it breaks one); '' clears the saved one. */
const S3BucketSchema = z.string().max(63).superRefine((v, ctx) => {
  const problem = v === '' ? null : s3BucketNameProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * This user's replication preferences on this machine (never in the project): the AWS profile and default Region the
 * SDK's default credential chain uses, an endpoint override (tests, VPC interface endpoints), the bandwidth cap and
 * how many servers replicate at once. Credentials themselves never cross the contract.
 */
export const ReplicationPrefsViewSchema = z.object({
  profile: z.string().max(128).optional(),
  region: z.string().max(64).optional(),
  endpointUrl: z.string().max(2048).optional(),
  bandwidthBytesPerSecond: z.number().int().min(0),
  maxConcurrent: z.number().int().min(1).max(16),
  maxPerDatastore: z.number().int().min(1).max(16),
  ami: z.enum(['import', 'register', 'none']).optional(),
  /** Absent: EBS direct. */
  transport: ReplicationTransportSchema.optional(),
  s3Bucket: z.string().max(63).optional(),
});

const JobStateSchema = z.enum(['idle', 'queued', 'running', 'paused', 'completed', 'inconsistent', 'failed', 'cancelled']);

export const ReplicationJobViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['server', 'application']),
  targetId: z.string(),
  name: z.string(),
  state: JobStateSchema,
  everyHours: z.number().int().nullable(),
  nextRunAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** How the job's current (or last) run travels, and the bucket the S3 transport stages in; absent before a run. */
  transport: ReplicationTransportSchema.optional(),
  s3Bucket: z.string().max(63).optional(),
  servers: z.array(
    z.object({
      serverId: z.string(),
      name: z.string(),
      state: JobStateSchema,
      disks: z.array(
        z.object({
          disk: z.string(),
          stage: ReplicationStageSchema,
          bytesRead: z.number(),
          bytesTotal: z.number(),
          blocksChanged: z.number(),
          bytesSent: z.number(),
          rate: z.number(),
          etaSeconds: z.number().nullable(),
        }),
      ),
      problem: z.object({ cause: z.string(), fix: z.string() }).optional(),
      /** What the last run settled besides its own work (an earlier run's pending AMI step), in words. */
      notice: z.string().max(2000).optional(),
    }),
  ),
});
export type ReplicationJobView = z.infer<typeof ReplicationJobViewSchema>;

const id = z.string().min(1).max(200);
const jobId = z.object({ jobId: z.string().min(1).max(300) }).strict();
const target = z.object({ kind: z.enum(['server', 'application']), id }).strict();

export const replicationChannels = {
  'replication.prefs.get': channel(z.object({}).strict(), ReplicationPrefsViewSchema),
  /** Changes some preferences; `null` or '' clears an optional one. A bad endpoint, limit or bucket name, or S3 without a bucket, is `invalid-input`, nothing saved. */
  'replication.prefs.set': channel(
    z
      .object({
        profile: z.string().max(128).nullable().optional(),
        region: z.string().max(64).nullable().optional(),
        endpointUrl: z.string().max(2048).nullable().optional(),
        bandwidthBytesPerSecond: z.number().int().min(0).max(100 * 2 ** 30).optional(),
        maxConcurrent: z.number().int().min(1).max(16).optional(),
        maxPerDatastore: z.number().int().min(1).max(16).optional(),
        ami: z.enum(['import', 'register', 'none']).nullable().optional(),
        /** S3 needs a bucket (saved, or given here) and an AMI step other than RegisterImage. */
        transport: ReplicationTransportSchema.nullable().optional(),
        s3Bucket: S3BucketSchema.nullable().optional(),
      })
      .strict(),
    ReplicationPrefsViewSchema,
  ),
  /**
   * A server's replication settings in the project: disk → image mappings (merged by disk label; the file must exist),
   * the Region, the schedule (every 1–24 hours; `null` = one-time). Committed to the project (undoable, saved with it).
   */
  'replication.configure': channel(
    z
      .object({
        serverId: id,
        disks: z.array(z.object({ disk: z.string().min(1).max(200), image: z.string().min(1).max(4096) }).strict()).max(64).optional(),
        region: z.string().max(64).optional(),
        everyHours: z.number().int().min(1).max(24).nullable().optional(),
      })
      .strict(),
    ReplicationServerSchema,
  ),
  'replication.jobs': channel(z.object({}).strict(), z.array(ReplicationJobViewSchema)),
  /** Starts a server's or an application's job (left as it is when already queued or running). */
  'replication.start': channel(target, ReplicationJobViewSchema),
  'replication.runNow': channel(jobId, ReplicationJobViewSchema),
  'replication.pause': channel(jobId, ReplicationJobViewSchema),
  'replication.resume': channel(jobId, ReplicationJobViewSchema),
  'replication.cancel': channel(jobId, ReplicationJobViewSchema),
  /** A disk image as the engine sees it (format, backing chain, size, allocated bytes), for the picker. */
  'replication.inspectImage': channel(
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    z.object({
      chain: z.array(z.object({ path: z.string(), format: z.string(), variant: z.string().optional(), size: z.number() })),
      size: z.number(),
      allocatedBytes: z.number(),
    }),
  ),
} as const;
