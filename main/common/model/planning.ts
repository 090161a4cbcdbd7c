import { z } from 'zod';

export const WaveSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().default(''),
});
export type Wave = z.infer<typeof WaveSchema>;

/** A launch group: servers that start together; groups launch in array order. */
export const LaunchGroupSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  serverIds: z.array(z.string()).default([]),
});
export type LaunchGroup = z.infer<typeof LaunchGroupSchema>;

export const ReplicationSettingsSchema = z.object({
  frequency: z.union([z.literal('one-time'), z.number().int().min(1).max(24)]).default('one-time'),
  amisToKeep: z.number().int().min(1).max(100).default(3),
  licenseType: z.enum(['AWS', 'BYOL', 'Auto']).default('Auto'),
  encrypted: z.boolean().default(false),
  kmsKeyId: z.string().optional(),
});
export type ReplicationSettings = z.infer<typeof ReplicationSettingsSchema>;

export const ApplicationSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().default(''),
  waveId: z.string().optional(),
  vpcId: z.string().optional(),
  cloudFormationRole: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  replication: ReplicationSettingsSchema.default({
    frequency: 'one-time',
    amisToKeep: 3,
    licenseType: 'Auto',
    encrypted: false,
  }),
  /** Launch order: groups[0] launches first. */
  groups: z.array(LaunchGroupSchema).default([]),
});
export type Application = z.infer<typeof ApplicationSchema>;

export const EbsVolumeTypeSchema = z.enum(['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard']);

/** How one server launches on EC2. Everything optional: defaults come from the application. */
export const LaunchSettingsSchema = z.object({
  logicalId: z.string().optional(),
  instanceType: z.string().optional(),
  keyName: z.string().optional(),
  subnetId: z.string().optional(),
  securityGroupIds: z.array(z.string()).default([]),
  testSubnetId: z.string().optional(),
  testSecurityGroupIds: z.array(z.string()).default([]),
  privateIpAddress: z.string().optional(),
  associatePublicIp: z.boolean().optional(),
  iamInstanceProfile: z.string().optional(),
  volumeType: EbsVolumeTypeSchema.optional(),
  volumeSizeGiB: z.number().int().positive().optional(),
  volumeEncrypted: z.boolean().optional(),
  volumeKmsKeyId: z.string().optional(),
  tenancy: z.enum(['default', 'dedicated', 'host']).optional(),
  configScript: z
    .object({ kind: z.enum(['shell', 'powershell']), content: z.string() })
    .optional(),
  tags: z.record(z.string(), z.string()).default({}),
});
export type LaunchSettings = z.infer<typeof LaunchSettingsSchema>;

export const PlanningSchema = z.object({
  waves: z.array(WaveSchema).default([]),
  applications: z.array(ApplicationSchema).default([]),
  /** Keyed by server id. */
  launchSettings: z.record(z.string(), LaunchSettingsSchema).default({}),
});
export type Planning = z.infer<typeof PlanningSchema>;
