import { stringify as toYaml } from 'yaml';
import { WorkbenchError } from '../model/errors';
import type { ProjectDocument } from '../model/project';
import type { Server } from '../model/server';
import { resolveLogicalIds, applicationServerIds, type Application, type LaunchSettings } from '../model/planning';
import { renderUserData } from './user-data';
import { fileSlug } from './file-names';

export type TemplateFormat = 'yaml' | 'json';
/** How a launch group waits for the previous one. */
export type WaitStrategy = 'depends-on' | 'wait-condition';

export interface CloudFormationOptions {
  format: TemplateFormat;
  waitStrategy: WaitStrategy;
  /** Seconds a group's WaitCondition waits for its servers' signals (max 43200). */
  waitTimeoutSeconds?: number;
}

export interface BuiltTemplate {
  /** File name for the part: `<app>.cfn.yaml`, or `<app>.part-2-of-3.cfn.yaml` when split. */
  fileName: string;
  part: number;
  parts: number;
  serverIds: string[];
  /** The launch groups (names) this part covers, in order. */
  groups: string[];
  body: string;
  template: CfnTemplate;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
interface CfnTemplate {
  [key: string]: Json;
}

/** CloudFormation quotas a template must respect (AWS CloudFormation User Guide, "Quotas"). */
export const CFN_LIMITS = { parameters: 200, resources: 500, outputs: 200, descriptionBytes: 1024 } as const;

const TEMPLATE_VERSION = '2010-09-09';
const ref = (name: string): Json => ({ Ref: name });
const NO_VALUE: Json = { Ref: 'AWS::NoValue' };

export { fileSlug };

interface ServerPlan {
  server: Server;
  settings: LaunchSettings;
  logicalId: string;
  groupIndex: number;
  groupName: string;
}

/** Names parameters for distinct values in first-use order (Subnet1, Subnet2…), so each value is asked once. */
class DistinctParams {
  private readonly byValue = new Map<string, string>();
  constructor(
    private readonly prefix: string,
    private readonly make: (value: string, name: string) => { [key: string]: Json },
    private readonly claim: (name: string, what: string) => string,
  ) {}
  nameFor(value: string): string {
    let name = this.byValue.get(value);
    if (!name) {
      name = this.claim(`${this.prefix}${this.byValue.size + 1}`, `parameter for ${value}`);
      this.byValue.set(value, name);
    }
    return name;
  }
  entries(): [string, { [key: string]: Json }][] {
    return [...this.byValue].map(([value, name]) => [name, this.make(value, name)]);
  }
  get size(): number {
    return this.byValue.size;
  }
}

function resourcesPerServer(p: ServerPlan): number {
  return 1 + (p.settings.privateIpAddress ? 1 : 0) + (p.settings.elasticIp ? 1 : 0);
}

/**
 * Splits an application that exceeds one template's quotas into parts, in launch order.
 * Counts are conservative: each distinct subnet/key/KMS value may add a parameter.
 */
function partition(plans: ServerPlan[], opts: CloudFormationOptions): ServerPlan[][] {
  const parts: ServerPlan[][] = [];
  let current: ServerPlan[] = [];
  let resources = 0;
  let params = 0;
  let outputs = 0;
  let values = new Set<string>();
  let groups = new Set<number>();
  for (const p of plans) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const newValues = new Set([p.settings.subnetId, p.settings.testSubnetId, p.settings.keyName, p.settings.volumeKmsKeyId].filter((v): v is string => !!v && !values.has(v)));
      const addResources = resourcesPerServer(p) + (opts.waitStrategy === 'wait-condition' && !groups.has(p.groupIndex) ? 2 : 0);
      // Two parameters are always reserved: LaunchMode and VpcId.
      const ownParams = p.settings.instanceType ? 1 : 2;
      const fits = resources + addResources <= CFN_LIMITS.resources && 2 + params + ownParams + newValues.size <= CFN_LIMITS.parameters && outputs + 2 <= CFN_LIMITS.outputs;
      if (fits || current.length === 0) {
        resources += addResources;
        params += ownParams + newValues.size;
        outputs += 2;
        newValues.forEach((v) => values.add(v));
        groups.add(p.groupIndex);
        current.push(p);
        break;
      }
      parts.push(current);
      current = [];
      resources = params = outputs = 0;
      values = new Set();
      groups = new Set();
    }
  }
  if (current.length) parts.push(current);
  return parts;
}

function tagList(tags: Record<string, string>): Json {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function truncateUtf8(text: string, maxBytes: number): string {
  // Descriptions are ASCII in practice; cut by characters and leave room for multi-byte ones.
  return text.length * 3 <= maxBytes ? text : text.slice(0, Math.floor(maxBytes / 3) - 1) + '…';
}

function planServers(doc: ProjectDocument, app: Application): ServerPlan[] {
  const servers = new Map(doc.inventory.servers.map((s) => [s.id, s]));
  const ids = applicationServerIds(app);
  const names = new Map(ids.map((id) => [id, servers.get(id)?.name ?? id]));
  const logicalIds = resolveLogicalIds(ids, names, doc.planning.launchSettings);
  const plans: ServerPlan[] = [];
  app.groups.forEach((g, groupIndex) => {
    for (const id of g.serverIds) {
      const server = servers.get(id);
      if (!server) throw new WorkbenchError('export-invalid', `Server ${id} in group "${g.name}" is not in the inventory.`);
      const settings = doc.planning.launchSettings[id] ?? { securityGroupIds: [], testSecurityGroupIds: [], tags: {} };
      plans.push({ server, settings, logicalId: logicalIds.get(id)!, groupIndex, groupName: g.name });
    }
  });
  return plans;
}

function buildPart(app: Application, plans: ServerPlan[], part: number, parts: number, opts: CloudFormationOptions): CfnTemplate {
  const usesTest = plans.some((p) => p.settings.testSubnetId || p.settings.testSecurityGroupIds.length);
  // Parameters, resources and outputs share one namespace of logical IDs in a template.
  const taken = new Set<string>(['VpcId', 'LaunchMode']);
  const claim = (name: string, what: string) => {
    if (taken.has(name)) throw new WorkbenchError('export-invalid', `Two template entries would both be named ${name} (${what}). Give the server a different logical ID.`, { logicalId: name });
    taken.add(name);
    return name;
  };
  const subnets = new DistinctParams('Subnet', (value) => ({ Type: 'AWS::EC2::Subnet::Id', Default: value, Description: `Cutover subnet (planned: ${value})` }), claim);
  const testSubnets = new DistinctParams('TestSubnet', (value) => ({ Type: 'AWS::EC2::Subnet::Id', Default: value, Description: `Test-launch subnet (planned: ${value})` }), claim);
  const keys = new DistinctParams('KeyPair', (value) => ({ Type: 'AWS::EC2::KeyPair::KeyName', Default: value, Description: `EC2 key pair (planned: ${value})` }), claim);
  const kmsKeys = new DistinctParams('KmsKey', (value) => ({ Type: 'String', Default: value, Description: 'KMS key (ID, ARN or alias) that encrypts the root volumes' }), claim);
  const amiParams: [string, { [key: string]: Json }][] = [];
  const resources: { [key: string]: Json } = {};
  const outputs: { [key: string]: Json } = {};
  const groupIndexes = [...new Set(plans.map((p) => p.groupIndex))];
  const handleName = (gi: number) => `LaunchGroup${gi + 1}ReadyHandle`;
  const waitName = (gi: number) => `LaunchGroup${gi + 1}Ready`;
  const withTest = (cutover: Json, test: Json | undefined): Json => (usesTest && test !== undefined ? { 'Fn::If': ['IsTestLaunch', test, cutover] } : cutover);

  for (const p of plans) {
    const s = p.settings;
    const id = claim(p.logicalId, `server ${p.server.name}`);
    const amiParam = claim(`${id}Ami`, `AMI parameter of ${p.server.name}`);
    amiParams.push([amiParam, { Type: 'AWS::EC2::Image::Id', ...(s.amiId ? { Default: s.amiId } : {}), Description: `AMI for ${p.server.name} (its latest replicated AMI)` }]);

    const subnet: Json = withTest(s.subnetId ? ref(subnets.nameFor(s.subnetId)) : NO_VALUE, s.testSubnetId ? ref(testSubnets.nameFor(s.testSubnetId)) : undefined);
    const groups: Json = withTest([...s.securityGroupIds], s.testSecurityGroupIds.length ? [...s.testSecurityGroupIds] : undefined);
    const hasGroups = s.securityGroupIds.length > 0 || s.testSecurityGroupIds.length > 0;
    const tags = { Name: p.server.name, ...app.tags, ...s.tags, 'migration-workbench:application': app.name, 'migration-workbench:launch-group': p.groupName };

    let instanceType: Json = s.instanceType ?? '';
    if (!s.instanceType) {
      // Not planned yet: asked for at stack creation rather than guessed (plan validation flags it).
      const typeParam = claim(`${id}InstanceType`, `instance type parameter of ${p.server.name}`);
      amiParams.push([typeParam, { Type: 'String', Description: `Instance type for ${p.server.name} (not planned yet)` }]);
      instanceType = ref(typeParam);
    }
    const props: { [key: string]: Json } = { ImageId: ref(amiParam), InstanceType: instanceType };
    if (s.keyName) props.KeyName = ref(keys.nameFor(s.keyName));
    if (s.iamInstanceProfile) props.IamInstanceProfile = s.iamInstanceProfile;
    if (s.tenancy) props.Tenancy = s.tenancy;

    if (s.privateIpAddress) {
      // A separate interface keeps the planned private IP if the instance is ever replaced.
      const eni = claim(`${id}Eni`, `network interface of ${p.server.name}`);
      resources[eni] = {
        Type: 'AWS::EC2::NetworkInterface',
        Properties: {
          SubnetId: subnet,
          ...(hasGroups ? { GroupSet: groups } : {}),
          PrivateIpAddress: usesTest ? { 'Fn::If': ['IsTestLaunch', NO_VALUE, s.privateIpAddress] } : s.privateIpAddress,
          Description: `Primary interface of ${p.server.name}`,
          Tags: tagList({ Name: `${p.server.name}-eni0`, 'migration-workbench:application': app.name }),
        },
      };
      props.NetworkInterfaces = [{ NetworkInterfaceId: ref(eni), DeviceIndex: '0' }];
    } else if (s.associatePublicIp !== undefined) {
      props.NetworkInterfaces = [
        { DeviceIndex: '0', SubnetId: subnet, ...(hasGroups ? { GroupSet: groups } : {}), AssociatePublicIpAddress: s.associatePublicIp, DeleteOnTermination: true },
      ];
    } else {
      if (s.subnetId) props.SubnetId = subnet;
      if (hasGroups) props.SecurityGroupIds = groups;
    }

    if (s.volumeType || s.volumeSizeGiB || s.volumeIops || s.volumeEncrypted !== undefined) {
      const ebs: { [key: string]: Json } = { DeleteOnTermination: true };
      if (s.volumeType) ebs.VolumeType = s.volumeType;
      if (s.volumeSizeGiB) ebs.VolumeSize = s.volumeSizeGiB;
      if (s.volumeIops && (s.volumeType === 'io1' || s.volumeType === 'io2' || s.volumeType === 'gp3')) ebs.Iops = s.volumeIops;
      if (s.volumeEncrypted !== undefined) ebs.Encrypted = s.volumeEncrypted;
      if (s.volumeEncrypted && s.volumeKmsKeyId) ebs.KmsKeyId = ref(kmsKeys.nameFor(s.volumeKmsKeyId));
      // Images made by MGN and VM Import/Export keep the source's boot disk as /dev/sda1.
      props.BlockDeviceMappings = [{ DeviceName: '/dev/sda1', Ebs: ebs }];
    }

    const signal = opts.waitStrategy === 'wait-condition' ? { handleLogicalId: handleName(p.groupIndex), uniqueId: id } : undefined;
    const userData = renderUserData({ osFamily: p.server.os.family, script: s.configScript, signal });
    if (userData) props.UserData = { 'Fn::Base64': userData.sub ? { 'Fn::Sub': userData.text } : userData.text };
    props.Tags = tagList(tags);

    const resource: { [key: string]: Json } = { Type: 'AWS::EC2::Instance' };
    const pos = groupIndexes.indexOf(p.groupIndex);
    if (pos > 0) {
      const prev = groupIndexes[pos - 1]!;
      resource.DependsOn = opts.waitStrategy === 'wait-condition' ? [waitName(prev)] : plans.filter((q) => q.groupIndex === prev).map((q) => q.logicalId);
    }
    resource.Properties = props;
    resources[id] = resource;

    if (s.elasticIp) {
      const eip = claim(`${id}Eip`, `Elastic IP of ${p.server.name}`);
      resources[eip] = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc', InstanceId: ref(id), Tags: tagList({ Name: `${p.server.name}-eip`, 'migration-workbench:application': app.name }) } };
    }
    outputs[claim(`${id}InstanceId`, 'output')] = { Description: `Instance ID of ${p.server.name}`, Value: ref(id) };
    outputs[claim(`${id}PrivateIp`, 'output')] = { Description: `Private IP of ${p.server.name}`, Value: { 'Fn::GetAtt': [id, 'PrivateIp'] } };
  }

  if (opts.waitStrategy === 'wait-condition') {
    for (const gi of groupIndexes) {
      const members = plans.filter((p) => p.groupIndex === gi);
      const handle = claim(handleName(gi), 'wait handle');
      const wait = claim(waitName(gi), 'wait condition');
      resources[handle] = { Type: 'AWS::CloudFormation::WaitConditionHandle' };
      resources[wait] = {
        Type: 'AWS::CloudFormation::WaitCondition',
        DependsOn: members.map((m) => m.logicalId),
        Properties: { Handle: ref(handle), Timeout: String(opts.waitTimeoutSeconds ?? 3600), Count: members.length },
      };
    }
  }

  const parameters: { [key: string]: Json } = {};
  if (usesTest) {
    parameters.LaunchMode = { Type: 'String', AllowedValues: ['cutover', 'test'], Default: 'cutover', Description: 'test: launch into the test subnets and security groups; cutover: the production network' };
  }
  const hasSubnets = subnets.size + testSubnets.size > 0;
  if (hasSubnets) {
    parameters.VpcId = { Type: 'AWS::EC2::VPC::Id', ...(app.vpcId ? { Default: app.vpcId } : {}), Description: 'The VPC every subnet of this application must be in' };
  }
  for (const [name, def] of [...subnets.entries(), ...testSubnets.entries(), ...keys.entries(), ...kmsKeys.entries(), ...amiParams]) parameters[name] = def;

  const groupNames = groupIndexes.map((gi) => plans.find((p) => p.groupIndex === gi)!.groupName);
  const description = truncateUtf8(
    `Migration Workbench: ${app.name}${parts > 1 ? ` (part ${part} of ${parts})` : ''}. Launch order: ${groupNames.join(' -> ')} (${opts.waitStrategy === 'wait-condition' ? 'each group signals when configured' : 'DependsOn'}).`,
    CFN_LIMITS.descriptionBytes,
  );
  const template: CfnTemplate = { AWSTemplateFormatVersion: TEMPLATE_VERSION, Description: description };
  template.Metadata = {
    MigrationWorkbench: { Application: app.name, ApplicationId: app.id, Part: part, Parts: parts, LaunchOrder: groupNames, WaitStrategy: opts.waitStrategy },
  };
  if (Object.keys(parameters).length) template.Parameters = parameters;
  if (hasSubnets) {
    template.Rules = {
      SubnetsInVpc: {
        Assertions: [
          {
            Assert: { 'Fn::EachMemberEquals': [{ 'Fn::ValueOfAll': ['AWS::EC2::Subnet::Id', 'VpcId'] }, ref('VpcId')] },
            AssertDescription: 'Every subnet must be in the chosen VPC.',
          },
        ],
      },
    };
  }
  if (usesTest) template.Conditions = { IsTestLaunch: { 'Fn::Equals': [ref('LaunchMode'), 'test'] } };
  template.Resources = resources;
  template.Outputs = outputs;
  return template;
}

export function serializeTemplate(template: CfnTemplate, format: TemplateFormat): string {
  if (format === 'json') return JSON.stringify(template, null, 2) + '\n';
  // Quoted so no YAML 1.1 reader takes the format version for a date.
  return toYaml(template, { lineWidth: 0, aliasDuplicateObjects: false }).replace(/^AWSTemplateFormatVersion: (\S+)$/m, 'AWSTemplateFormatVersion: "$1"');
}

/**
 * Builds the CloudFormation template(s) of one application. Pure and deterministic: the same
 * project and options give byte-identical text. Large applications are split into parts that
 * respect CloudFormation's quotas; parts are created one after the other, in launch order.
 */
export function buildCloudFormation(doc: ProjectDocument, applicationId: string, opts: CloudFormationOptions): BuiltTemplate[] {
  const app = doc.planning.applications.find((a) => a.id === applicationId);
  if (!app) throw new WorkbenchError('not-found', `No application with id ${applicationId} in this project.`);
  const plans = planServers(doc, app);
  if (plans.length === 0) throw new WorkbenchError('export-invalid', `${app.name} has no servers in its launch groups: drag servers into a group first.`);
  const chunks = partition(plans, opts);
  const slug = fileSlug(app.name);
  const ext = opts.format === 'json' ? 'json' : 'yaml';
  return chunks.map((chunk, i) => {
    const template = buildPart(app, chunk, i + 1, chunks.length, opts);
    const groups = [...new Set(chunk.map((p) => p.groupName))];
    return {
      fileName: chunks.length > 1 ? `${slug}.part-${i + 1}-of-${chunks.length}.cfn.${ext}` : `${slug}.cfn.${ext}`,
      part: i + 1,
      parts: chunks.length,
      serverIds: chunk.map((p) => p.server.id),
      groups,
      body: serializeTemplate(template, opts.format),
      template,
    };
  });
}

export function findApplication(doc: ProjectDocument, nameOrId: string): Application {
  const app = doc.planning.applications.find((a) => a.id === nameOrId) ?? doc.planning.applications.find((a) => a.name.toLowerCase() === nameOrId.toLowerCase());
  if (!app) {
    const names = doc.planning.applications.map((a) => a.name).join(', ') || 'none';
    throw new WorkbenchError('not-found', `No application named "${nameOrId}" in this project (applications: ${names}).`);
  }
  return app;
}
