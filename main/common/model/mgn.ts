import { z } from 'zod';

/*
 * AWS Application Migration Service (MGN) as its API reference documents it: DescribeSourceServers and DescribeJobs
 * responses (restJson1, camelCase members; dates are ISO 8601 strings). Only what the dashboard reads is named; every
 * object is loose so a newer API's extra members pass through. AWS SMS's GetReplicationJobs (the retired service's
 * job list) is read too, as its documentation's sample shows it.
 */

const str = z.string().max(4096);
const opt = <T extends z.ZodType>(t: T) => t.optional().nullable();

export const MgnReplicatedDiskSchema = z.looseObject({
  deviceName: opt(str),
  totalStorageBytes: opt(z.number()),
  replicatedStorageBytes: opt(z.number()),
  backloggedStorageBytes: opt(z.number()),
  rescannedStorageBytes: opt(z.number()),
});

export const MgnSourceServerSchema = z.looseObject({
  sourceServerID: z.string().min(1).max(200),
  arn: opt(str),
  isArchived: opt(z.boolean()),
  replicationType: opt(str),
  applicationID: opt(str),
  tags: opt(z.record(z.string(), z.string())),
  lifeCycle: opt(
    z.looseObject({
      state: opt(str),
      addedToServiceDateTime: opt(str),
      lastSeenByServiceDateTime: opt(str),
    }),
  ),
  dataReplicationInfo: opt(
    z.looseObject({
      dataReplicationState: opt(str),
      etaDateTime: opt(str),
      lagDuration: opt(str),
      lastSnapshotDateTime: opt(str),
      replicatedDisks: opt(z.array(MgnReplicatedDiskSchema).max(256)),
      dataReplicationError: opt(z.looseObject({ error: opt(str), rawError: opt(str) })),
    }),
  ),
  sourceProperties: opt(
    z.looseObject({
      identificationHints: opt(
        z.looseObject({
          fqdn: opt(str),
          hostname: opt(str),
          vmWareUuid: opt(str),
          awsInstanceID: opt(str),
          vmPath: opt(str),
        }),
      ),
      networkInterfaces: opt(z.array(z.looseObject({ macAddress: opt(str), ips: opt(z.array(str).max(256)), isPrimary: opt(z.boolean()) })).max(64)),
      disks: opt(z.array(z.looseObject({ deviceName: opt(str), bytes: opt(z.number()) })).max(256)),
      os: opt(z.looseObject({ fullString: opt(str) })),
    }),
  ),
  launchedInstance: opt(z.looseObject({ ec2InstanceID: opt(str), jobID: opt(str), firstBoot: opt(str) })),
});
export type MgnSourceServer = z.infer<typeof MgnSourceServerSchema>;

export const MgnJobSchema = z.looseObject({
  jobID: z.string().min(1).max(200),
  arn: opt(str),
  type: opt(str),
  initiatedBy: opt(str),
  status: opt(str),
  creationDateTime: opt(str),
  endDateTime: opt(str),
  participatingServers: opt(z.array(z.looseObject({ sourceServerID: z.string().max(200), launchStatus: opt(str), launchedEc2InstanceID: opt(str) })).max(10_000)),
});
export type MgnJob = z.infer<typeof MgnJobSchema>;

/** `aws mgn describe-source-servers` / DescribeSourceServers output. */
export const DescribeSourceServersResponseSchema = z.looseObject({ items: z.array(MgnSourceServerSchema).max(100_000), nextToken: opt(str) });
/** `aws mgn describe-jobs` / DescribeJobs output. */
export const DescribeJobsResponseSchema = z.looseObject({ items: z.array(MgnJobSchema).max(100_000), nextToken: opt(str) });

/** AWS SMS GetReplicationJobs output (dates are epoch seconds; the documentation spells states `Active` or `ACTIVE`). */
export const SmsReplicationJobsResponseSchema = z.looseObject({
  replicationJobList: z
    .array(
      z.looseObject({
        replicationJobId: z.string().min(1).max(200),
        state: opt(str),
        statusMessage: opt(str),
        frequency: opt(z.number()),
        seedReplicationTime: opt(z.number()),
        vmServer: opt(
          z.looseObject({
            vmName: opt(str),
            vmPath: opt(str),
            vmManagerName: opt(str),
            vmServerAddress: opt(z.looseObject({ vmManagerId: opt(str), vmId: opt(str) })),
          }),
        ),
        replicationRunList: opt(
          z.array(z.looseObject({ replicationRunId: opt(str), state: opt(str), type: opt(str), statusMessage: opt(str), scheduledStartTime: opt(z.number()), amiId: opt(str), completedTime: opt(z.number()) })).max(10_000),
        ),
      }),
    )
    .max(100_000),
});

/**
 * A saved file the dashboard reads offline: a DescribeSourceServers response, a DescribeJobs response, both together
 * as `{ "DescribeSourceServers": …, "DescribeJobs": … }` (what `mwb mgn status --save` writes), or an SMS
 * GetReplicationJobs response.
 */
export const MgnSavedResponsesSchema = z.looseObject({
  DescribeSourceServers: DescribeSourceServersResponseSchema.optional(),
  DescribeJobs: DescribeJobsResponseSchema.optional(),
});

/** How an inventory server was found for a tracked server. */
export const MgnMatchSchema = z.enum(['vmware-uuid', 'vm-id', 'hostname', 'ip', 'ambiguous', 'none']);
export type MgnMatch = z.infer<typeof MgnMatchSchema>;

/** One server AWS replicates (MGN source server or SMS replication job), matched to the inventory. */
export const MgnTrackedServerSchema = z.object({
  service: z.enum(['mgn', 'sms']),
  /** MGN sourceServerID or SMS replicationJobId. */
  id: z.string(),
  /** The name AWS knows it by (hostname, FQDN or VM name). */
  name: z.string(),
  serverId: z.string().nullable(),
  serverName: z.string().nullable(),
  match: MgnMatchSchema,
  /** MGN lifeCycle.state or the SMS job state, as AWS spells it (the UI words it). */
  lifeCycle: z.string().nullable(),
  replicationState: z.string().nullable(),
  replicatedBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
  backlogBytes: z.number().nonnegative(),
  lagDuration: z.string().nullable(),
  lastSnapshotAt: z.string().nullable(),
  error: z.string().nullable(),
  /** The newest job (MGN) or run (SMS) this server took part in. */
  lastJob: z.object({ id: z.string(), kind: z.string().nullable(), status: z.string().nullable(), at: z.string().nullable(), launchedInstanceId: z.string().nullable(), amiId: z.string().nullable() }).nullable(),
});
export type MgnTrackedServer = z.infer<typeof MgnTrackedServerSchema>;

export const MgnJobSummarySchema = z.object({
  id: z.string(),
  kind: z.string().nullable(),
  status: z.string().nullable(),
  createdAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  servers: z.number().int().nonnegative(),
});

/** What the dashboard shows of AWS's side: where it came from, the servers, the jobs. */
export const MgnStatusSchema = z.object({
  source: z.object({ kind: z.enum(['file', 'aws']), name: z.string(), region: z.string().nullable() }),
  readAt: z.string(),
  servers: z.array(MgnTrackedServerSchema),
  jobs: z.array(MgnJobSummarySchema),
  matched: z.number().int().nonnegative(),
  unmatched: z.number().int().nonnegative(),
});
export type MgnStatus = z.infer<typeof MgnStatusSchema>;
