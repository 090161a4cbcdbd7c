import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateApplication, isValidKmsKey, type PlanIssue } from '../../../../../main/common/assess/plan-validation';
import { applyEdit } from '../../../../../main/common/model/edits';
import { indexCatalog, InstanceCatalogSchema, sourceArchitecture } from '../../../../../main/common/model/instance-types';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import type { LaunchSettingsPatch } from '../../../../../main/common/model/planning-edits';
import { docWithServers, makeServer } from '../../../../helpers/plan-fixtures';

const catalog = indexCatalog(InstanceCatalogSchema.parse(JSON.parse(readFileSync(new URL('../../../../../assets/data/ec2-instance-types.json', import.meta.url), 'utf8'))));

const GOOD: LaunchSettingsPatch = { instanceType: 'm6i.large', subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'], amiId: 'ami-0123456789abcdef0' };

function planned(patch: LaunchSettingsPatch = {}, doc: ProjectDocument = docWithServers(2)): ProjectDocument {
  let d = applyEdit(doc, { type: 'application.create', applicationId: 'a1', name: 'Shop', groups: [{ id: 'g1', name: 'DB', serverIds: ['s1'] }, { id: 'g2', name: 'App', serverIds: ['s2'] }] });
  d = applyEdit(d, { type: 'launchSettings.set', serverIds: ['s1', 's2'], patch: GOOD });
  if (Object.keys(patch).length) d = applyEdit(d, { type: 'launchSettings.set', serverIds: ['s1'], patch });
  return d;
}

/** A target account and Region for the project, so each test sees only the issues it is about. */
function targeted(doc: ProjectDocument): ProjectDocument {
  return doc.planning.defaults ? doc : applyEdit(doc, { type: 'defaults.set', defaults: { awsAccountId: '111122223333', awsRegion: 'eu-west-1' } });
}

function issues(doc: ProjectDocument): PlanIssue[] {
  const d = targeted(doc);
  return validateApplication(d, d.planning.applications[0]!, { catalog });
}
const codes = (doc: ProjectDocument) => issues(doc).map((i) => i.code);

describe('plan validation', () => {
  it('a complete plan has no issues', () => {
    expect(issues(planned())).toEqual([]);
  });

  it('names missing fields with the fix', () => {
    let d = applyEdit(docWithServers(1), { type: 'application.create', applicationId: 'a1', name: 'X', groups: [{ id: 'g1', name: 'G', serverIds: ['s1'] }] });
    const found = issues(d);
    expect(found.map((i) => i.code)).toEqual(['missing-instance-type', 'missing-subnet', 'missing-security-groups', 'missing-ami']);
    expect(found[0]).toMatchObject({ severity: 'error', serverId: 's1', field: 'instanceType' });
    expect(found[0]!.fix).toMatch(/Launch settings.*2 vCPU, 8 GiB/);
    d = applyEdit(d, { type: 'launchSettings.set', serverIds: ['s1'], patch: GOOD });
    expect(issues(d)).toEqual([]);
  });

  it('launch order with no groups, no servers and empty groups', () => {
    const d = applyEdit(docWithServers(1), { type: 'application.create', applicationId: 'a1', name: 'X' });
    expect(codes(d)).toEqual(['app-no-groups']);
    const d2 = applyEdit(d, { type: 'group.create', applicationId: 'a1', groupId: 'g1', name: 'G' });
    expect(codes(d2)).toEqual(['app-no-servers']);
    expect(codes(applyEdit(planned(), { type: 'group.create', applicationId: 'a1', groupId: 'g3', name: 'Empty' }))).toEqual(['group-empty']);
  });

  it('invalid and duplicate logical IDs', () => {
    expect(codes(planned({ logicalId: 'bad-id!' }))).toEqual(['invalid-logical-id']);
    let d = planned({ logicalId: 'Same' });
    d = applyEdit(d, { type: 'launchSettings.set', serverIds: ['s2'], patch: { logicalId: 'Same' } });
    const dup = issues(d);
    expect(dup.map((i) => [i.code, i.serverId])).toEqual([['duplicate-logical-id', 's2']]);
    expect(dup[0]!.message).toContain('S1');
  });

  it('subnet and security groups in different VPCs, when known', () => {
    let d = planned({ testSubnetId: 'subnet-0000000000000000b', testSecurityGroupIds: ['sg-0000000000000000a'] });
    d = applyEdit(d, { type: 'network.set', network: { subnets: [{ id: 'subnet-0123456789abcdef0', vpcId: 'vpc-1' }, { id: 'subnet-0000000000000000b', vpcId: 'vpc-2' }], securityGroups: [{ id: 'sg-0123456789abcdef0', vpcId: 'vpc-1' }, { id: 'sg-0000000000000000a', vpcId: 'vpc-1' }] } });
    const found = issues(d).filter((i) => i.code === 'vpc-mismatch');
    expect(found.map((i) => i.field)).toEqual(['testSecurityGroupIds']);
    expect(found[0]!.message).toMatch(/sg-0000000000000000a is in vpc-1, but subnet subnet-0000000000000000b is in vpc-2/);
    // Unknown subnets: nothing can be said.
    expect(codes(planned({ testSubnetId: 'subnet-0000000000000000c' }))).toEqual([]);
    // The application's VPC against the cutover subnet.
    d = applyEdit(d, { type: 'application.update', applicationId: 'a1', patch: { vpcId: 'vpc-0000000000000000f' } });
    expect(issues(d).filter((i) => i.code === 'vpc-mismatch').length).toBe(3);
  });

  it('instance architecture against the source', () => {
    expect(codes(planned({ instanceType: 'm7g.large' }))).toEqual(['architecture-mismatch']);
    const doc32 = docWithServers(2);
    doc32.inventory.servers[0] = makeServer('s1', { os: { configured: 'Microsoft Windows Server 2003 Standard (32-bit)', family: 'windows' } });
    expect(codes(planned({}, doc32))).toEqual(['architecture-32-bit']);
    expect(codes(planned({ instanceType: 'm6i.enormous' }))).toEqual(['unknown-instance-type']);
    expect(codes(planned({ instanceType: 'not a type' }))).toEqual(['invalid-instance-type']);
    expect(sourceArchitecture({ configured: 'Ubuntu Linux (64-bit) 22.04' })).toBe('x86_64');
    expect(sourceArchitecture({ reported: 'Amazon Linux 2023 aarch64' })).toBe('arm64');
  });

  it('user data over 16 KB', () => {
    expect(codes(planned({ configScript: { kind: 'shell', content: 'echo ok\n'.repeat(1000) } }))).toEqual([]);
    const found = issues(planned({ configScript: { kind: 'shell', content: 'x'.repeat(16 * 1024) } }));
    expect(found.map((i) => i.code)).toEqual(['user-data-too-large']);
    expect(found[0]!.fix).toMatch(/S3 or SSM/);
  });

  it('conflicting public IP settings', () => {
    expect(codes(planned({ associatePublicIp: true, elasticIp: true }))).toEqual(['public-ip-conflict']);
    expect(codes(planned({ associatePublicIp: false, elasticIp: true }))).toEqual(['public-ip-conflict']);
    expect(codes(planned({ elasticIp: true }))).toEqual([]);
  });

  it('KMS key format', () => {
    for (const good of ['1234abcd-12ab-34cd-56ef-1234567890ab', 'mrk-1234abcd12ab34cd56ef1234567890ab', 'alias/migration', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'arn:aws:kms:eu-west-1:111122223333:alias/migration']) {
      expect(isValidKmsKey(good)).toBe(true);
    }
    for (const bad of ['my-key', 'arn:aws:kms:eu-west-1:1:key/x', 'alias/', '1234abcd']) expect(isValidKmsKey(bad)).toBe(false);
    expect(codes(planned({ volumeEncrypted: true, volumeKmsKeyId: 'my-key' }))).toEqual(['invalid-kms-key']);
    expect(codes(planned({ volumeKmsKeyId: 'alias/migration' }))).toEqual(['kms-without-encryption']);
    const d = applyEdit(planned(), { type: 'application.update', applicationId: 'a1', patch: { replication: { frequency: 'one-time', amisToKeep: 3, licenseType: 'Auto', encrypted: true, kmsKeyId: 'nope' } } });
    expect(codes(d)).toEqual(['invalid-kms-key']);
  });

  it('ID formats, private IP, volume size and script kind', () => {
    expect(codes(planned({ subnetId: 'sub-1' }))).toEqual(['invalid-id-format']);
    expect(codes(planned({ securityGroupIds: ['default'] }))).toEqual(['invalid-id-format']);
    expect(codes(planned({ amiId: 'image-1' }))).toEqual(['invalid-id-format']);
    expect(codes(planned({ privateIpAddress: '10.0.0.300' }))).toEqual(['invalid-private-ip']);
    expect(codes(planned({ volumeSizeGiB: 20 }))).toEqual(['volume-too-small']);
    expect(codes(planned({ volumeType: 'st1' }))).toEqual(['volume-type-not-bootable']);
    expect(codes(planned({ volumeType: 'io2' }))).toEqual(['missing-iops']);
    expect(codes(planned({ volumeType: 'io2', volumeIops: 4000 }))).toEqual([]);
    expect(codes(planned({ configScript: { kind: 'powershell', content: 'Write-Host hi' } }))).toEqual(['script-kind-mismatch']);
  });

  it('a server removed from the inventory but still in a group', () => {
    const d = planned();
    const stale = { ...d, inventory: { ...d.inventory, servers: d.inventory.servers.filter((s) => s.id !== 's2') } };
    expect(codes(stale)).toEqual(['server-not-in-inventory']);
  });
});

describe('target account, Region and project defaults', () => {
  const raw = (doc: ProjectDocument) => validateApplication(doc, doc.planning.applications[0]!, { catalog });

  it('a plan with no account or Region has two errors that point at the project defaults', () => {
    const found = raw(planned()).filter((i) => i.severity === 'error');
    expect(found.map((i) => [i.code, i.field, i.fromDefaults])).toEqual([['missing-account', 'awsAccountId', true], ['missing-region', 'awsRegion', true]]);
    expect(found[0]!.fix).toMatch(/Project defaults/);
  });

  it('defaults fill account, Region, subnet and security groups; the application and server keep their own values', () => {
    let d = applyEdit(docWithServers(1), { type: 'application.create', applicationId: 'a1', name: 'X', groups: [{ id: 'g1', name: 'G', serverIds: ['s1'] }] });
    d = applyEdit(d, { type: 'launchSettings.set', serverIds: ['s1'], patch: { instanceType: 'm6i.large', amiId: 'ami-0123456789abcdef0' } });
    expect(raw(d).map((i) => i.code)).toEqual(['missing-account', 'missing-region', 'missing-subnet', 'missing-security-groups']);
    d = applyEdit(d, { type: 'defaults.set', defaults: { awsAccountId: '111122223333', awsRegion: 'eu-west-1', subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'] } });
    expect(raw(d)).toEqual([]);
    // A wrong own value is not hidden by a good default, and is not blamed on the defaults.
    const own = applyEdit(d, { type: 'application.update', applicationId: 'a1', patch: { awsRegion: 'eu-west-9' } });
    expect(raw(own).map((i) => [i.code, i.fromDefaults])).toEqual([['unknown-region', undefined]]);
  });

  it('wrong default formats are errors, named as coming from the defaults', () => {
    const d = applyEdit(planned({ subnetId: null, securityGroupIds: [] }), { type: 'defaults.set', defaults: { awsAccountId: '1234', awsRegion: 'mars-1', vpcId: 'vpc-1', subnetId: 'subnet-x', securityGroupIds: ['default'] } });
    const found = raw(d).filter((i) => i.serverId === undefined || i.serverId === 's1');
    expect(found.map((i) => [i.code, i.field, i.fromDefaults])).toEqual([
      ['invalid-account', 'awsAccountId', true],
      ['unknown-region', 'awsRegion', true],
      ['invalid-id-format', 'vpcId', true],
      ['invalid-id-format', 'subnetId', true],
      ['invalid-id-format', 'securityGroupIds', true],
    ]);
  });

  it('clearing every default removes them from the document', () => {
    const d = applyEdit(planned(), { type: 'defaults.set', defaults: { awsAccountId: '111122223333' } });
    expect(d.planning.defaults).toEqual({ awsAccountId: '111122223333' });
    expect('defaults' in applyEdit(d, { type: 'defaults.set', defaults: { awsAccountId: '', securityGroupIds: [] } }).planning).toBe(false);
  });
});
