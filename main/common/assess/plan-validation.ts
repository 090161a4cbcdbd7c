import type { ProjectDocument } from '../model/project';
import type { Server } from '../model/server';
import {
  applicationServerIds,
  isValidLogicalId,
  resolveLogicalIds,
  type Application,
  type LaunchSettings,
} from '../model/planning';
import { sourceArchitecture, type InstanceCatalogIndex } from '../model/instance-types';
import { latestReplicatedAmi } from '../model/replication';
import { renderUserData, USER_DATA_LIMIT_BYTES } from '../export/user-data';
import { ACCOUNT_RE, SG_RE, SUBNET_RE, VPC_RE, effectiveApplication, effectiveLaunchSettings, isAwsRegion } from './project-defaults';

export type PlanIssueSeverity = 'error' | 'warning';

export type PlanIssueCode =
  | 'app-no-groups'
  | 'app-no-servers'
  | 'missing-account'
  | 'missing-region'
  | 'invalid-account'
  | 'unknown-region'
  | 'group-empty'
  | 'server-not-in-inventory'
  | 'missing-instance-type'
  | 'unknown-instance-type'
  | 'invalid-instance-type'
  | 'missing-subnet'
  | 'missing-security-groups'
  | 'missing-ami'
  | 'unencrypted-replication'
  | 'invalid-id-format'
  | 'invalid-logical-id'
  | 'duplicate-logical-id'
  | 'vpc-mismatch'
  | 'architecture-mismatch'
  | 'architecture-32-bit'
  | 'user-data-too-large'
  | 'public-ip-conflict'
  | 'invalid-kms-key'
  | 'kms-without-encryption'
  | 'invalid-private-ip'
  | 'volume-too-small'
  | 'volume-type-not-bootable'
  | 'missing-iops'
  | 'script-kind-mismatch';

/** One finding about the plan: what is wrong, and the fix, named. */
export interface PlanIssue {
  severity: PlanIssueSeverity;
  code: PlanIssueCode;
  message: string;
  fix: string;
  applicationId: string;
  serverId?: string;
  groupId?: string;
  /** The launch-settings or application field the issue is about (for inline display in the form). */
  field?: keyof LaunchSettings | PlanTargetField | 'application';
  /** The value (or its absence) is the project default's: the fix is in Project defaults (Export screen). */
  fromDefaults?: boolean;
}

/** Application fields that fall back to the project defaults. */
export type PlanTargetField = 'awsAccountId' | 'awsRegion' | 'vpcId';

const AMI_RE = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;
const INSTANCE_TYPE_RE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const KMS_KEY_ID = '(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
const KMS_RE = new RegExp(
  `^(?:${KMS_KEY_ID}|alias/[A-Za-z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(?:key/${KMS_KEY_ID}|alias/[A-Za-z0-9/_-]{1,250}))$`,
);
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isValidKmsKey(value: string): boolean {
  return KMS_RE.test(value);
}

export interface PlanValidationContext {
  catalog?: InstanceCatalogIndex;
}

/** Validates one application's plan. Pure; the order of issues is stable (launch order, then field order). */
export function validateApplication(doc: ProjectDocument, ownApp: Application, ctx: PlanValidationContext = {}): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const defaults = doc.planning.defaults;
  // Account, region and VPC: the application's own, else the project's defaults.
  const app = effectiveApplication(ownApp, defaults);
  const base = { applicationId: app.id };
  const push = (i: Omit<PlanIssue, 'applicationId'>) => issues.push({ ...base, ...i });

  if (app.groups.length === 0) {
    push({ severity: 'error', code: 'app-no-groups', message: `${app.name} has no launch groups, so it has no launch order.`, fix: 'Add a launch group and drag the application\'s servers into it.', field: 'application' });
  }
  const ids = applicationServerIds(app);
  if (app.groups.length > 0 && ids.length === 0) {
    push({ severity: 'error', code: 'app-no-servers', message: `${app.name} has no servers.`, fix: 'Drag servers from the inventory list into a launch group.', field: 'application' });
  }
  for (const g of app.groups) {
    if (g.serverIds.length === 0 && ids.length > 0) {
      push({ severity: 'warning', code: 'group-empty', groupId: g.id, message: `Launch group "${g.name}" is empty.`, fix: 'Drag servers into it, or delete the group.' });
    }
  }
  const inherited = (f: PlanTargetField) => (ownApp[f] === undefined ? { fromDefaults: true as const } : {});
  if (!app.awsAccountId) {
    push({ severity: 'error', code: 'missing-account', field: 'awsAccountId', fromDefaults: true, message: `${app.name} has no target AWS account: the runbook and the MGN and CMF files would leave it blank.`, fix: 'Set the default account in Project defaults (Export), or the application\'s own account.' });
  } else if (!ACCOUNT_RE.test(app.awsAccountId)) {
    push({ severity: 'error', code: 'invalid-account', field: 'awsAccountId', ...inherited('awsAccountId'), message: `${app.name}: account "${app.awsAccountId}" is not an AWS account ID.`, fix: 'Use the 12-digit account number (for example 111122223333).' });
  }
  if (!app.awsRegion) {
    push({ severity: 'error', code: 'missing-region', field: 'awsRegion', fromDefaults: true, message: `${app.name} has no target AWS Region: the runbook's commands and the MGN and CMF files need one.`, fix: 'Set the default Region in Project defaults (Export), or the application\'s own Region.' });
  } else if (!isAwsRegion(app.awsRegion)) {
    push({ severity: 'error', code: 'unknown-region', field: 'awsRegion', ...inherited('awsRegion'), message: `${app.name}: "${app.awsRegion}" is not an AWS Region code.`, fix: 'Pick a Region from the list, such as eu-west-1.' });
  }
  if (app.vpcId && !VPC_RE.test(app.vpcId)) {
    push({ severity: 'error', code: 'invalid-id-format', message: `VPC "${app.vpcId}" is not a VPC ID.`, fix: 'Use the vpc-… ID from the VPC console.', field: 'vpcId', ...inherited('vpcId') });
  }
  if (app.replication.kmsKeyId && !isValidKmsKey(app.replication.kmsKeyId)) {
    push({ severity: 'error', code: 'invalid-kms-key', message: `Replication KMS key "${app.replication.kmsKeyId}" is not a KMS key ID, key ARN, alias or alias ARN.`, fix: 'Use a key ID (1234abcd-…), mrk-… ID, alias/name, or the key or alias ARN.', field: 'application' });
  }

  const servers = new Map<string, Server>(doc.inventory.servers.map((s) => [s.id, s]));
  const names = new Map<string, string>();
  for (const id of ids) names.set(id, servers.get(id)?.name ?? id);
  const logicalIds = resolveLogicalIds(ids, names, doc.planning.launchSettings);
  const seenLogical = new Map<string, string>();
  const subnetVpc = new Map((doc.planning.network?.subnets ?? []).map((s) => [s.id, s.vpcId]));
  const sgVpc = new Map((doc.planning.network?.securityGroups ?? []).map((s) => [s.id, s.vpcId]));

  for (const [groupIndex, g] of app.groups.entries()) {
    for (const serverId of g.serverIds) {
      const server = servers.get(serverId);
      const at = { serverId, groupId: g.id };
      if (!server) {
        push({ ...at, severity: 'error', code: 'server-not-in-inventory', message: `Server ${serverId} in group "${g.name}" is no longer in the inventory.`, fix: 'Remove it from the group, or re-import the inventory that had it.' });
        continue;
      }
      const who = server.name;
      const own = doc.planning.launchSettings[serverId];
      // Subnets and security groups: the server's own, else the project's defaults.
      // The AMI: the server's own, else the latest one its replication made.
      const replicated = latestReplicatedAmi(doc.replication, serverId);
      const s: LaunchSettings = effectiveLaunchSettings(own, defaults, replicated?.amiId);
      const fromDefaults = (f: 'subnetId' | 'testSubnetId' | 'securityGroupIds' | 'testSecurityGroupIds') => (s[f] !== undefined && s[f] !== own?.[f] ? { fromDefaults: true as const } : {});
      const logicalId = logicalIds.get(serverId)!;
      if (!isValidLogicalId(logicalId)) {
        push({ ...at, severity: 'error', code: 'invalid-logical-id', field: 'logicalId', message: `${who}: logical ID "${logicalId}" is not valid in CloudFormation.`, fix: 'Use letters and digits only (A–Z, a–z, 0–9), up to 255 characters.' });
      } else if (seenLogical.has(logicalId)) {
        push({ ...at, severity: 'error', code: 'duplicate-logical-id', field: 'logicalId', message: `${who}: logical ID "${logicalId}" is already used by ${seenLogical.get(logicalId)}.`, fix: 'Give one of them a different logical ID, or clear it to derive one from the server name.' });
      } else seenLogical.set(logicalId, who);

      if (!s.instanceType) {
        push({ ...at, severity: 'error', code: 'missing-instance-type', field: 'instanceType', message: `${who} has no instance type.`, fix: `Pick one in Launch settings (the source has ${server.cpu.vcpus} vCPU, ${Math.round(server.memoryMiB / 1024)} GiB).` });
      } else if (!INSTANCE_TYPE_RE.test(s.instanceType)) {
        push({ ...at, severity: 'error', code: 'invalid-instance-type', field: 'instanceType', message: `${who}: "${s.instanceType}" is not an instance type name.`, fix: 'Pick a type from the list, such as m6i.large.' });
      } else if (ctx.catalog) {
        const info = ctx.catalog.get(s.instanceType);
        if (!info) {
          push({ ...at, severity: 'warning', code: 'unknown-instance-type', field: 'instanceType', message: `${who}: ${s.instanceType} is not in the bundled EC2 catalog.`, fix: 'Check the name, or pick a type from the list.' });
        } else {
          const arch = sourceArchitecture(server.os);
          if (arch === 'i386') {
            push({ ...at, severity: 'warning', code: 'architecture-32-bit', field: 'instanceType', message: `${who} runs a 32-bit OS (${server.os.configured ?? server.os.reported ?? 'unknown'}).`, fix: 'Plan an OS upgrade first; 32-bit images only run on a few older instance types.' });
          } else if (arch !== info.arch) {
            push({ ...at, severity: 'error', code: 'architecture-mismatch', field: 'instanceType', message: `${who} is ${arch} but ${s.instanceType} is ${info.arch}.`, fix: `Pick an ${arch} instance type (for example ${arch === 'x86_64' ? 'm6i' : 'm7g'} family).` });
          }
        }
      }

      if (!s.subnetId) {
        push({ ...at, severity: 'error', code: 'missing-subnet', field: 'subnetId', message: `${who} has no subnet.`, fix: 'Set the cutover subnet in Launch settings (subnet-…), or a default subnet in Project defaults (Export).' });
      } else if (!SUBNET_RE.test(s.subnetId)) {
        push({ ...at, severity: 'error', code: 'invalid-id-format', field: 'subnetId', ...fromDefaults('subnetId'), message: `${who}: "${s.subnetId}" is not a subnet ID.`, fix: 'Use the subnet-… ID from the VPC console.' });
      }
      if (s.testSubnetId && !SUBNET_RE.test(s.testSubnetId)) {
        push({ ...at, severity: 'error', code: 'invalid-id-format', field: 'testSubnetId', ...fromDefaults('testSubnetId'), message: `${who}: test subnet "${s.testSubnetId}" is not a subnet ID.`, fix: 'Use the subnet-… ID from the VPC console.' });
      }
      if (s.securityGroupIds.length === 0) {
        push({ ...at, severity: 'warning', code: 'missing-security-groups', field: 'securityGroupIds', message: `${who} has no security groups: it would get the VPC's default group.`, fix: 'Add the security groups it needs (sg-…), or default security groups in Project defaults (Export).' });
      }
      for (const [field, list] of [['securityGroupIds', s.securityGroupIds], ['testSecurityGroupIds', s.testSecurityGroupIds]] as const) {
        const bad = list.find((sg) => !SG_RE.test(sg));
        if (bad) push({ ...at, severity: 'error', code: 'invalid-id-format', field, ...fromDefaults(field), message: `${who}: "${bad}" is not a security group ID.`, fix: 'Use the sg-… ID from the VPC console.' });
      }
      if (!s.amiId) {
        push({ ...at, severity: 'warning', code: 'missing-ami', field: 'amiId', message: `${who} has no AMI yet: its template parameter has no default.`, fix: 'Replicate the server, or enter the AMI ID (ami-…); otherwise supply it when creating the stack.' });
      } else if (!AMI_RE.test(s.amiId)) {
        push({ ...at, severity: 'error', code: 'invalid-id-format', field: 'amiId', message: `${who}: "${s.amiId}" is not an AMI ID.`, fix: 'Use the ami-… ID of the replicated image.' });
      }
      const repServer = doc.replication?.servers.find((x) => x.serverId === serverId);
      if (repServer?.encrypted === false || (replicated && !replicated.encrypted && s.amiId === replicated.amiId)) {
        push({ ...at, severity: 'warning', code: 'unencrypted-replication', field: 'amiId', message: `${who}: replication encryption was turned off, so its snapshots${replicated ? ` and AMI ${replicated.amiId}` : ''} are NOT encrypted.`, fix: 'Replicate again with encryption on (mwb replicate --encryption), unless unencrypted disks were agreed.' });
      }

      // VPCs, when the consultant has recorded which VPC each subnet and security group is in.
      for (const [subnetField, sgField, label] of [['subnetId', 'securityGroupIds', 'cutover'], ['testSubnetId', 'testSecurityGroupIds', 'test']] as const) {
        const subnet = s[subnetField];
        const vpc = subnet ? subnetVpc.get(subnet) : undefined;
        if (vpc && app.vpcId && label === 'cutover' && vpc !== app.vpcId) {
          push({ ...at, severity: 'error', code: 'vpc-mismatch', field: subnetField, message: `${who}: subnet ${subnet} is in ${vpc}, but ${app.name} is planned in ${app.vpcId}.`, fix: `Pick a subnet in ${app.vpcId}, or change the application's VPC.` });
        }
        if (!vpc) continue;
        const other = s[sgField].find((sg) => sgVpc.has(sg) && sgVpc.get(sg) !== vpc);
        if (other) {
          push({ ...at, severity: 'error', code: 'vpc-mismatch', field: sgField, message: `${who}: ${label} security group ${other} is in ${sgVpc.get(other)}, but subnet ${subnet} is in ${vpc}.`, fix: `Use security groups of ${vpc}, or a subnet in ${sgVpc.get(other)}.` });
        }
      }

      if (s.associatePublicIp === true && s.elasticIp === true) {
        push({ ...at, severity: 'error', code: 'public-ip-conflict', field: 'elasticIp', message: `${who} asks for both an auto-assigned public IP and an Elastic IP.`, fix: 'Choose one: turn off "Assign public IP" or "Elastic IP".' });
      }
      if (s.associatePublicIp === false && s.elasticIp === true) {
        push({ ...at, severity: 'error', code: 'public-ip-conflict', field: 'elasticIp', message: `${who} has "no public IP" and an Elastic IP.`, fix: 'Clear "no public IP", or turn off the Elastic IP.' });
      }
      if (s.privateIpAddress && !IPV4_RE.test(s.privateIpAddress)) {
        push({ ...at, severity: 'error', code: 'invalid-private-ip', field: 'privateIpAddress', message: `${who}: "${s.privateIpAddress}" is not an IPv4 address.`, fix: 'Enter an address from the subnet\'s range, such as 10.0.1.25, or leave it empty.' });
      }
      if (s.volumeKmsKeyId) {
        if (!isValidKmsKey(s.volumeKmsKeyId)) {
          push({ ...at, severity: 'error', code: 'invalid-kms-key', field: 'volumeKmsKeyId', message: `${who}: "${s.volumeKmsKeyId}" is not a KMS key ID, key ARN, alias or alias ARN.`, fix: 'Use a key ID (1234abcd-…), mrk-… ID, alias/name, or the key or alias ARN.' });
        }
        if (s.volumeEncrypted !== true) {
          push({ ...at, severity: 'warning', code: 'kms-without-encryption', field: 'volumeEncrypted', message: `${who} names a KMS key but its volume is not set to encrypted.`, fix: 'Turn on "Encrypted", or clear the KMS key.' });
        }
      }
      const rootDisk = server.disks[0];
      if (s.volumeSizeGiB !== undefined && rootDisk && s.volumeSizeGiB * 1024 < rootDisk.capacityMiB) {
        push({ ...at, severity: 'error', code: 'volume-too-small', field: 'volumeSizeGiB', message: `${who}: root volume ${s.volumeSizeGiB} GiB is smaller than the source disk (${Math.ceil(rootDisk.capacityMiB / 1024)} GiB).`, fix: `Set at least ${Math.ceil(rootDisk.capacityMiB / 1024)} GiB, or leave it empty to keep the image's size.` });
      }
      if (s.volumeType === 'st1' || s.volumeType === 'sc1') {
        push({ ...at, severity: 'error', code: 'volume-type-not-bootable', field: 'volumeType', message: `${who}: ${s.volumeType} volumes cannot be boot volumes.`, fix: 'Use gp3 (or gp2, io1, io2) for the root volume.' });
      }
      if ((s.volumeType === 'io1' || s.volumeType === 'io2') && !s.volumeIops) {
        push({ ...at, severity: 'error', code: 'missing-iops', field: 'volumeIops', message: `${who}: ${s.volumeType} volumes need provisioned IOPS.`, fix: 'Enter the IOPS (for example 3000), or choose gp3.' });
      }
      if (s.configScript) {
        const osWin = server.os.family === 'windows';
        if ((osWin && s.configScript.kind === 'shell') || (server.os.family === 'linux' && s.configScript.kind === 'powershell')) {
          push({ ...at, severity: 'warning', code: 'script-kind-mismatch', field: 'configScript', message: `${who} runs ${server.os.family} but its configuration script is ${s.configScript.kind}.`, fix: osWin ? 'Write the script in PowerShell.' : 'Write the script as a shell script.' });
        }
      }
      // Sized with the WaitCondition signal added (the larger of the two launch-order variants).
      const userData = renderUserData({ osFamily: server.os.family, script: s.configScript, signal: { handleLogicalId: `LaunchGroup${groupIndex + 1}ReadyHandle`, uniqueId: logicalId } });
      if (userData && userData.estimatedBytes > USER_DATA_LIMIT_BYTES) {
        push({ ...at, severity: 'error', code: 'user-data-too-large', field: 'configScript', message: `${who}: user data would be ${Math.ceil(userData.estimatedBytes / 1024)} KB; EC2 accepts at most 16 KB.`, fix: 'Shorten the configuration script, or have it download the rest (from S3 or SSM) at first boot.' });
      }
    }
  }
  return issues;
}

export function hasErrors(issues: readonly PlanIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/** Validates every application of the project. */
export function validatePlan(doc: ProjectDocument, ctx: PlanValidationContext = {}): PlanIssue[] {
  return doc.planning.applications.flatMap((a) => validateApplication(doc, a, ctx));
}
