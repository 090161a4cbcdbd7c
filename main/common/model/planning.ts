import { z } from 'zod';

/** A calendar day, `YYYY-MM-DD` (no time zone: a wave's dates are the days the consultant agreed with the client). */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date is written YYYY-MM-DD.')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Not a calendar day.');

/**
 * A migration wave: applications move together. Waves run in array order (waves[0] first); applications join one
 * through `Application.waveId`. The dates are optional, so documents written before they existed round-trip unchanged.
 */
export const WaveSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().default(''),
  startDate: IsoDateSchema.optional(),
  endDate: IsoDateSchema.optional(),
});
export type Wave = z.infer<typeof WaveSchema>;

/** A launch group: servers that start together; groups launch in array order. */
export const LaunchGroupSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  serverIds: z.array(z.string()).default([]),
});
export type LaunchGroup = z.infer<typeof LaunchGroupSchema>;

export const LicenseTypeSchema = z.enum(['AWS', 'BYOL', 'Auto']);

export const ReplicationSettingsSchema = z.object({
  /** 'one-time' or every N hours (1–24), as AWS SMS offered. */
  frequency: z.union([z.literal('one-time'), z.number().int().min(1).max(24)]).default('one-time'),
  amisToKeep: z.number().int().min(1).max(100).default(3),
  licenseType: LicenseTypeSchema.default('Auto'),
  encrypted: z.boolean().default(false),
  kmsKeyId: z.string().optional(),
});
export type ReplicationSettings = z.infer<typeof ReplicationSettingsSchema>;

/** Where the consultant last saved this application's export (typed or browsed), kept with the project. */
export const ExportPathsSchema = z.object({
  templatePath: z.string().optional(),
  bundlePath: z.string().optional(),
  bundleZip: z.boolean().optional(),
});
export type ExportPaths = z.infer<typeof ExportPathsSchema>;

export const ApplicationSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().default(''),
  waveId: z.string().optional(),
  vpcId: z.string().optional(),
  /** IAM role ARN CloudFormation assumes to create the stack. */
  cloudFormationRole: z.string().optional(),
  /** Target account and region: written into the MGN and CMF hand-off files. */
  awsAccountId: z.string().optional(),
  awsRegion: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  replication: ReplicationSettingsSchema.default({
    frequency: 'one-time',
    amisToKeep: 3,
    licenseType: 'Auto',
    encrypted: false,
  }),
  /** Launch order: groups[0] launches first. */
  groups: z.array(LaunchGroupSchema).default([]),
  /** Optional so documents written before it existed stay byte-identical on round trip. */
  exportPaths: ExportPathsSchema.optional(),
});
export type Application = z.infer<typeof ApplicationSchema>;

export const EbsVolumeTypeSchema = z.enum(['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard']);
export const TenancySchema = z.enum(['default', 'dedicated', 'host']);
export const ConfigScriptSchema = z.object({ kind: z.enum(['shell', 'powershell']), content: z.string() });
export type ConfigScript = z.infer<typeof ConfigScriptSchema>;

/** How one server launches on EC2. Everything optional: missing values are named by validation. */
export const LaunchSettingsSchema = z.object({
  logicalId: z.string().optional(),
  instanceType: z.string().optional(),
  /** The AMI to launch (normally the latest replicated AMI); a template parameter default. */
  amiId: z.string().optional(),
  keyName: z.string().optional(),
  subnetId: z.string().optional(),
  securityGroupIds: z.array(z.string()).default([]),
  /** Test-launch network (as MGN and Cloud Migration Factory separate test from cutover). */
  testSubnetId: z.string().optional(),
  testSecurityGroupIds: z.array(z.string()).default([]),
  privateIpAddress: z.string().optional(),
  associatePublicIp: z.boolean().optional(),
  /** Allocate an Elastic IP for the instance (instead of an auto-assigned public IP). */
  elasticIp: z.boolean().optional(),
  iamInstanceProfile: z.string().optional(),
  volumeType: EbsVolumeTypeSchema.optional(),
  volumeSizeGiB: z.number().int().positive().optional(),
  /** Provisioned IOPS (required for io1/io2, optional for gp3). */
  volumeIops: z.number().int().positive().optional(),
  volumeEncrypted: z.boolean().optional(),
  volumeKmsKeyId: z.string().optional(),
  tenancy: TenancySchema.optional(),
  configScript: ConfigScriptSchema.optional(),
  tags: z.record(z.string(), z.string()).default({}),
});
export type LaunchSettings = z.infer<typeof LaunchSettingsSchema>;

/** Subnets and security groups the consultant knows about (typed in or pasted), so VPC mismatches can be found. */
export const KnownNetworkSchema = z.object({
  subnets: z.array(z.object({ id: z.string(), vpcId: z.string(), name: z.string().optional(), cidr: z.string().optional() })).default([]),
  securityGroups: z.array(z.object({ id: z.string(), vpcId: z.string(), name: z.string().optional() })).default([]),
});
export type KnownNetwork = z.infer<typeof KnownNetworkSchema>;

/**
 * Project-wide target settings, set once: every application and planned server without its own value uses
 * these (plan validation, CloudFormation, runbook, MGN and CMF files). See main/common/assess/project-defaults.ts.
 */
export const ProjectDefaultsSchema = z.object({
  awsAccountId: z.string().optional(),
  awsRegion: z.string().optional(),
  vpcId: z.string().optional(),
  subnetId: z.string().optional(),
  securityGroupIds: z.array(z.string()).optional(),
  testSubnetId: z.string().optional(),
  testSecurityGroupIds: z.array(z.string()).optional(),
});
export type ProjectDefaults = z.infer<typeof ProjectDefaultsSchema>;

export const PlanningSchema = z.object({
  waves: z.array(WaveSchema).default([]),
  applications: z.array(ApplicationSchema).default([]),
  /** Keyed by server id. */
  launchSettings: z.record(z.string(), LaunchSettingsSchema).default({}),
  /** Optional so documents written before it existed stay byte-identical on round trip. */
  network: KnownNetworkSchema.optional(),
  /** Optional (absent in older files): project-wide target account, region and network. */
  defaults: ProjectDefaultsSchema.optional(),
});
export type Planning = z.infer<typeof PlanningSchema>;

export function emptyLaunchSettings(): LaunchSettings {
  return { securityGroupIds: [], testSecurityGroupIds: [], tags: {} };
}

/** Where a server sits in the plan: which application and group, if any. */
export interface Placement {
  applicationId: string;
  groupId: string;
  groupIndex: number;
}

export function placementsByServer(planning: Pick<Planning, 'applications'>): Map<string, Placement> {
  const out = new Map<string, Placement>();
  for (const app of planning.applications) {
    app.groups.forEach((g, groupIndex) => {
      for (const id of g.serverIds) out.set(id, { applicationId: app.id, groupId: g.id, groupIndex });
    });
  }
  return out;
}

const LOGICAL_ID_RE = /^[A-Za-z0-9]{1,255}$/;

export function isValidLogicalId(id: string): boolean {
  return LOGICAL_ID_RE.test(id);
}

/** A CloudFormation logical ID derived from a server name: alphanumerics only, starting with a letter. */
export function deriveLogicalId(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let id = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (!id) id = 'Server';
  if (!/^[A-Za-z]/.test(id)) id = `Server${id}`;
  return id.slice(0, 200);
}

/**
 * The logical ID of every server of an application: explicit ones as given (duplicates are a
 * validation error), derived ones made unique with a numeric suffix, in launch order.
 */
export function resolveLogicalIds(serverIds: readonly string[], names: ReadonlyMap<string, string>, settings: Planning['launchSettings']): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of serverIds) {
    const explicit = settings[id]?.logicalId;
    if (explicit) taken.add(explicit);
  }
  for (const id of serverIds) {
    const explicit = settings[id]?.logicalId;
    if (explicit) {
      out.set(id, explicit);
      continue;
    }
    const base = deriveLogicalId(names.get(id) ?? id);
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}${n}`;
    taken.add(candidate);
    out.set(id, candidate);
  }
  return out;
}

export function applicationServerIds(app: Application): string[] {
  return app.groups.flatMap((g) => g.serverIds);
}

/**
 * Reads "known network" lines as a consultant pastes them (`subnet-… vpc-… [name]`, `sg-… vpc-… [name]`,
 * separated by spaces, tabs or commas). Returns the network and the lines it could not read.
 */
export function parseKnownNetwork(text: string): { network: KnownNetwork; rejected: string[] } {
  const network: KnownNetwork = { subnets: [], securityGroups: [] };
  const rejected: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [id, vpcId, ...rest] = line.split(/[\s,;]+/);
    const name = rest.join(' ') || undefined;
    if (!id || !vpcId || !/^vpc-[0-9a-f]+$/.test(vpcId)) rejected.push(line);
    else if (/^subnet-[0-9a-f]+$/.test(id)) network.subnets.push({ id, vpcId, ...(name ? { name } : {}) });
    else if (/^sg-[0-9a-f]+$/.test(id)) network.securityGroups.push({ id, vpcId, ...(name ? { name } : {}) });
    else rejected.push(line);
  }
  return { network, rejected };
}

export function formatKnownNetwork(network: KnownNetwork | undefined): string {
  if (!network) return '';
  return [...network.subnets, ...network.securityGroups].map((e) => [e.id, e.vpcId, e.name].filter(Boolean).join(' ')).join('\n');
}
