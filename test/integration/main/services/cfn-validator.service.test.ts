// Real peer: AWS's offline CloudFormation validator (@aws/cloudformation-validate 1.9.0-beta, wasm).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { CfnValidatorService } from '../../../../main/services/cfn-validator.service';
import { buildCloudFormation } from '../../../../main/common/export/cloudformation.builder';
import { validateApplication } from '../../../../main/common/assess/plan-validation';
import { applyEdit } from '../../../../main/common/model/edits';
import { indexCatalog, InstanceCatalogSchema } from '../../../../main/common/model/instance-types';
import type { LaunchSettingsPatch } from '../../../../main/common/model/planning-edits';
import { docWithServers, makeServer } from '../../../helpers/plan-fixtures';

const validator = new CfnValidatorService();
// The engine starts here (several CPU-heavy seconds, more under load), with a limit of its own, so that no test's
// time includes it and the file can run beside others.
beforeAll(() => validator.warmUp(), 180_000);
afterAll(() => validator.dispose());

const rows = InstanceCatalogSchema.parse(JSON.parse(readFileSync(new URL('../../../../assets/data/ec2-instance-types.json', import.meta.url), 'utf8')));
const catalog = indexCatalog(rows);
const x86Types = rows.filter((r) => r.arch === 'x86_64' && r.priceUsdHour['us-east-1'].linux !== null).map((r) => r.type);
const GOLDEN = new URL('../../../fixtures/golden/cloudformation/', import.meta.url);

describe('AWS CloudFormation validator on our templates', () => {
  it('passes every golden template', async () => {
    const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.cfn.yaml'));
    expect(files.length).toBe(6);
    for (const f of files) {
      const report = await validator.validate(readFileSync(new URL(f, GOLDEN), 'utf8'), f);
      expect(report.diagnostics.filter((d) => d.blocking), f).toEqual([]);
      expect(report.ok).toBe(true);
    }
  });

  it('a replicated AMI as the parameter default draws W9010, which carries our note that the AMI already is a parameter', async () => {
    const tpl = [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Parameters:',
      '  AmiSHOPDB01:',
      '    Type: AWS::EC2::Image::Id',
      '    Default: ami-0123456789abcdef0',
      'Resources:',
      '  SHOPDB01:',
      '    Type: AWS::EC2::Instance',
      '    Properties:',
      '      ImageId: !Ref AmiSHOPDB01',
      '      InstanceType: t3.micro',
    ].join('\n');
    const report = await validator.validate(tpl, 'ami.yaml');
    const w = report.diagnostics.find((d) => d.ruleId === 'W9010');
    expect(w).toMatchObject({ logicalId: 'SHOPDB01', blocking: false });
    expect(w!.note).toContain('already a template parameter');
    expect(report.ok).toBe(true);
  });

  it('rejects errors and invalid enum values, with the validator\'s message', async () => {
    const base = readFileSync(new URL('webshop.depends-on.cfn.yaml', GOLDEN), 'utf8');
    const badEnum = await validator.validate(base.replace('VolumeType: gp3', 'VolumeType: gp9'), 'bad-enum.yaml');
    expect(badEnum.ok).toBe(false);
    expect(badEnum.diagnostics.find((d) => d.blocking)).toMatchObject({ ruleId: 'W3030', logicalId: 'SHOPDB01' });
    const badType = await validator.validate(base.replace('InstanceType: r6i.2xlarge', 'InstanceType: r6i.colossal'), 'bad-type.yaml', { region: 'eu-west-1' });
    expect(badType.ok).toBe(false);
    expect(badType.diagnostics.find((d) => d.blocking)!.message).toContain('r6i.colossal');
    const broken = await validator.validate('Resources: [', 'broken.yaml');
    expect(broken.ok).toBe(false);
  });

  it('stops a validation that takes too long, with a clear error', async () => {
    const slow = new CfnValidatorService({ timeoutMs: 1 });
    try {
      await expect(slow.validate('Resources: {}', 'x.yaml')).rejects.toThrow(/took longer than 0 s and was stopped/);
    } finally {
      slow.dispose();
    }
  });

  it('passes every template generated from random valid plans (property)', async () => {
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
    const settingsArb = fc.record(
      {
        instanceType: fc.constantFrom(...x86Types),
        subnetId: hex(17).map((h) => `subnet-${h}`),
        securityGroupIds: fc.array(hex(17).map((h) => `sg-${h}`), { minLength: 1, maxLength: 3 }),
        amiId: fc.option(hex(17).map((h) => `ami-${h}`), { nil: undefined }),
        testSubnetId: fc.option(hex(17).map((h) => `subnet-${h}`), { nil: undefined }),
        testSecurityGroupIds: fc.array(hex(17).map((h) => `sg-${h}`), { maxLength: 2 }),
        privateIpAddress: fc.option(fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `10.0.${a}.${b}`), { nil: undefined }),
        publicIp: fc.constantFrom('none', 'auto', 'off', 'eip'),
        keyName: fc.option(fc.constantFrom('ops', 'migration-key'), { nil: undefined }),
        iamInstanceProfile: fc.option(fc.constantFrom('AmazonSSMRoleForInstancesQuickSetup'), { nil: undefined }),
        volume: fc.option(fc.oneof(fc.constantFrom('gp3', 'gp2', 'standard' as const).map((volumeType) => ({ volumeType, volumeIops: undefined })), fc.record({ volumeType: fc.constantFrom('io1', 'io2', 'gp3' as const), volumeIops: fc.integer({ min: 3000, max: 5000 }) })), { nil: undefined }),
        volumeSizeGiB: fc.option(fc.integer({ min: 100, max: 2000 }), { nil: undefined }),
        encryption: fc.constantFrom('none', 'default', 'kms'),
        tenancy: fc.option(fc.constantFrom('default', 'dedicated' as const), { nil: undefined }),
        script: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        tags: fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,10}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
      },
      { requiredKeys: ['instanceType', 'subnetId', 'securityGroupIds', 'testSecurityGroupIds', 'publicIp', 'encryption', 'tags'] },
    );
    const planArb = fc.record({
      groups: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
      windows: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
      settings: fc.array(settingsArb, { minLength: 24, maxLength: 24 }),
      waitStrategy: fc.constantFrom('depends-on', 'wait-condition' as const),
      format: fc.constantFrom('yaml', 'json' as const),
    });
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        const total = plan.groups.reduce((a, b) => a + b, 0);
        let doc = docWithServers(total);
        doc.inventory.servers = doc.inventory.servers.map((s, i) => (plan.windows[i] ? makeServer(s.id, { os: { configured: 'Microsoft Windows Server 2019 (64-bit)', family: 'windows' } }) : s));
        let next = 0;
        const groups = plan.groups.map((n, gi) => ({ id: `g${gi}`, name: `Group ${gi + 1}`, serverIds: Array.from({ length: n }, () => `s${++next}`) }));
        doc = applyEdit(doc, { type: 'application.create', applicationId: 'app', name: 'Prop App', groups });
        // A target account and Region (missing ones are plan errors).
        doc = applyEdit(doc, { type: 'defaults.set', defaults: { awsAccountId: '111122223333', awsRegion: 'us-east-1' } });
        doc.inventory.servers.forEach((server, i) => {
          const s = plan.settings[i]!;
          const patch: LaunchSettingsPatch = {
            instanceType: s.instanceType, subnetId: s.subnetId, securityGroupIds: s.securityGroupIds, testSecurityGroupIds: s.testSecurityGroupIds, tags: s.tags,
            ...(s.amiId ? { amiId: s.amiId } : {}), ...(s.testSubnetId ? { testSubnetId: s.testSubnetId } : {}), ...(s.privateIpAddress ? { privateIpAddress: s.privateIpAddress } : {}),
            ...(s.keyName ? { keyName: s.keyName } : {}), ...(s.iamInstanceProfile ? { iamInstanceProfile: s.iamInstanceProfile } : {}), ...(s.volume ? { volumeType: s.volume.volumeType, ...(s.volume.volumeIops ? { volumeIops: s.volume.volumeIops } : {}) } : {}),
            ...(s.volumeSizeGiB ? { volumeSizeGiB: s.volumeSizeGiB } : {}), ...(s.tenancy ? { tenancy: s.tenancy } : {}),
            ...(s.publicIp === 'auto' ? { associatePublicIp: true } : s.publicIp === 'off' ? { associatePublicIp: false } : s.publicIp === 'eip' ? { elasticIp: true } : {}),
            ...(s.encryption === 'default' ? { volumeEncrypted: true } : s.encryption === 'kms' ? { volumeEncrypted: true, volumeKmsKeyId: 'alias/migration' } : {}),
            ...(s.script !== undefined ? { configScript: { kind: server.os.family === 'windows' ? 'powershell' : 'shell', content: s.script } } : {}),
          };
          doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: [server.id], patch });
        });
        const issues = validateApplication(doc, doc.planning.applications[0]!, { catalog });
        expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
        const templates = buildCloudFormation(doc, 'app', { format: plan.format, waitStrategy: plan.waitStrategy });
        for (const t of templates) {
          const report = await validator.validate(t.body, t.fileName);
          expect(report.diagnostics.filter((d) => d.blocking), t.body).toEqual([]);
        }
      }),
      { numRuns: 20, seed: 20261122 },
    );
  });
});
