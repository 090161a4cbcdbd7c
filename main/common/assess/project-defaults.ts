import type { ProjectDocument } from '../model/project';
import type { Application, LaunchSettings, ProjectDefaults } from '../model/planning';
import { emptyLaunchSettings } from '../model/planning';
import { latestReplicatedAmi } from '../model/replication';

/**
 * AWS Regions that take EC2 instances, by code. From the AWS Regions list in the AWS General Reference
 * (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html), typed in by hand; a Region
 * launched later is reported as unknown until it is added here. A unit test checks that every Region of the
 * installed AWS SDK's endpoint partitions (aws, aws-cn, aws-us-gov) is here, so an SDK update flags a missing one.
 */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
  'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
];

export const ACCOUNT_RE = /^\d{12}$/;
export const VPC_RE = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
export const SUBNET_RE = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
export const SG_RE = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;

export function isAwsRegion(code: string): boolean {
  return AWS_REGIONS.includes(code);
}

export type DefaultsField = keyof ProjectDefaults;

/** One wrong project default: which field, what is wrong, and the fix. */
export interface DefaultsProblem {
  field: DefaultsField;
  message: string;
  fix: string;
}

/** Format checks of the project defaults (missing values are named per application by plan validation). */
export function validateProjectDefaults(d: ProjectDefaults | undefined): DefaultsProblem[] {
  if (!d) return [];
  const out: DefaultsProblem[] = [];
  if (d.awsAccountId && !ACCOUNT_RE.test(d.awsAccountId)) out.push({ field: 'awsAccountId', message: `Account "${d.awsAccountId}" is not an AWS account ID.`, fix: 'Use the 12-digit account number (for example 111122223333).' });
  if (d.awsRegion && !isAwsRegion(d.awsRegion)) out.push({ field: 'awsRegion', message: `"${d.awsRegion}" is not an AWS Region code.`, fix: 'Pick a Region from the list, such as eu-west-1.' });
  if (d.vpcId && !VPC_RE.test(d.vpcId)) out.push({ field: 'vpcId', message: `"${d.vpcId}" is not a VPC ID.`, fix: 'Use the vpc-… ID from the VPC console.' });
  for (const f of ['subnetId', 'testSubnetId'] as const) {
    const v = d[f];
    if (v && !SUBNET_RE.test(v)) out.push({ field: f, message: `"${v}" is not a subnet ID.`, fix: 'Use the subnet-… ID from the VPC console.' });
  }
  for (const f of ['securityGroupIds', 'testSecurityGroupIds'] as const) {
    const bad = (d[f] ?? []).find((sg) => !SG_RE.test(sg));
    if (bad) out.push({ field: f, message: `"${bad}" is not a security group ID.`, fix: 'Use sg-… IDs from the VPC console.' });
  }
  return out;
}

/** The application as exported: its own account, region and VPC, else the project's. */
export function effectiveApplication(app: Application, d: ProjectDefaults | undefined): Application {
  if (!d) return app;
  const account = app.awsAccountId ?? d.awsAccountId;
  const region = app.awsRegion ?? d.awsRegion;
  const vpc = app.vpcId ?? d.vpcId;
  if (account === app.awsAccountId && region === app.awsRegion && vpc === app.vpcId) return app;
  return { ...app, ...(account ? { awsAccountId: account } : {}), ...(region ? { awsRegion: region } : {}), ...(vpc ? { vpcId: vpc } : {}) };
}

/**
 * A planned server's launch settings as exported: its own subnet and security groups, else the project's; its own
 * AMI, else the latest AMI its replication made (`replicatedAmi`).
 */
export function effectiveLaunchSettings(s: LaunchSettings | undefined, d: ProjectDefaults | undefined, replicatedAmi?: string): LaunchSettings {
  const own = s ?? emptyLaunchSettings();
  const withAmi = !own.amiId && replicatedAmi ? { ...own, amiId: replicatedAmi } : own;
  if (!d) return withAmi;
  const next: LaunchSettings = { ...withAmi };
  if (!own.subnetId && d.subnetId) next.subnetId = d.subnetId;
  if (!own.testSubnetId && d.testSubnetId) next.testSubnetId = d.testSubnetId;
  if (own.securityGroupIds.length === 0 && d.securityGroupIds?.length) next.securityGroupIds = [...d.securityGroupIds];
  if (own.testSecurityGroupIds.length === 0 && d.testSecurityGroupIds?.length) next.testSecurityGroupIds = [...d.testSecurityGroupIds];
  const changed = next.subnetId !== own.subnetId || next.testSubnetId !== own.testSubnetId || next.securityGroupIds !== own.securityGroupIds || next.testSecurityGroupIds !== own.testSecurityGroupIds;
  return changed ? next : withAmi;
}

/**
 * The document as every exporter sees it: project defaults filled into each application and each planned
 * server's launch settings, and each server's latest replicated AMI where it has no AMI of its own. Returns the
 * same document when there is nothing to fill.
 */
export function withProjectDefaults(doc: ProjectDocument): ProjectDocument {
  const d = doc.planning.defaults && Object.keys(doc.planning.defaults).length ? doc.planning.defaults : undefined;
  const hasAmis = doc.replication?.servers.some((x) => x.lastRun?.amiId || x.runs?.some((r) => r.amiId)) ?? false;
  if (!d && !hasAmis) return doc;
  const launchSettings = { ...doc.planning.launchSettings };
  for (const app of doc.planning.applications) {
    for (const g of app.groups) for (const id of g.serverIds) launchSettings[id] = effectiveLaunchSettings(launchSettings[id], d, hasAmis ? latestReplicatedAmi(doc.replication, id)?.amiId : undefined);
  }
  return { ...doc, planning: { ...doc.planning, applications: d ? doc.planning.applications.map((a) => effectiveApplication(a, d)) : doc.planning.applications, launchSettings } };
}
