import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { buildCloudFormation, CFN_LIMITS, fileSlug } from '../../../../../main/common/export/cloudformation.builder';
import { renderUserData } from '../../../../../main/common/export/user-data';
import { applyEdit } from '../../../../../main/common/model/edits';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { docWithServers, loadDemo } from '../../../../helpers/plan-fixtures';

const GOLDEN = new URL('../../../../fixtures/golden/cloudformation/', import.meta.url);

describe('CloudFormation builder', () => {
  const demo = loadDemo();

  for (const app of demo.planning.applications) {
    for (const waitStrategy of ['depends-on', 'wait-condition'] as const) {
      it(`matches the golden template of ${app.name} (${waitStrategy}), and YAML and JSON say the same`, () => {
        const [yaml] = buildCloudFormation(demo, app.id, { format: 'yaml', waitStrategy });
        const [json] = buildCloudFormation(demo, app.id, { format: 'json', waitStrategy });
        expect(parseYaml(yaml!.body)).toEqual(JSON.parse(json!.body));
        const file = new URL(`${fileSlug(app.name)}.${waitStrategy}.cfn.yaml`, GOLDEN);
        if (process.env.UPDATE_GOLDEN) {
          mkdirSync(GOLDEN, { recursive: true });
          writeFileSync(file, yaml!.body);
        }
        expect(yaml!.body).toBe(readFileSync(file, 'utf8'));
      });
    }
  }

  it('is deterministic: the same project gives byte-identical text', () => {
    const a = buildCloudFormation(demo, 'app-webshop', { format: 'yaml', waitStrategy: 'wait-condition' });
    const b = buildCloudFormation(structuredClone(demo), 'app-webshop', { format: 'yaml', waitStrategy: 'wait-condition' });
    expect(a.map((t) => t.body)).toEqual(b.map((t) => t.body));
  });

  it('enforces launch order with DependsOn on the previous group', () => {
    const [t] = buildCloudFormation(demo, 'app-webshop', { format: 'json', waitStrategy: 'depends-on' });
    const r = t!.template.Resources as Record<string, { DependsOn?: string[] }>;
    expect(r.SHOPDB01!.DependsOn).toBeUndefined();
    expect(r.SHOPAPP01!.DependsOn).toEqual(['SHOPDB01', 'SHOPDB02']);
    expect(r.SHOPWEB02!.DependsOn).toEqual(['SHOPAPP01', 'SHOPAPP02', 'SHOPAPP03']);
  });

  it('enforces launch order with WaitConditions signalled from user data', () => {
    const [t] = buildCloudFormation(demo, 'app-webshop', { format: 'json', waitStrategy: 'wait-condition', waitTimeoutSeconds: 1800 });
    const r = t!.template.Resources as Record<string, { Type: string; DependsOn?: string[]; Properties?: Record<string, unknown> }>;
    expect(r.LaunchGroup1Ready).toMatchObject({ Type: 'AWS::CloudFormation::WaitCondition', DependsOn: ['SHOPDB01', 'SHOPDB02'], Properties: { Handle: { Ref: 'LaunchGroup1ReadyHandle' }, Timeout: '1800', Count: 2 } });
    expect(r.SHOPAPP02!.DependsOn).toEqual(['LaunchGroup1Ready']);
    const userData = (r.SHOPDB02!.Properties!.UserData as { 'Fn::Base64': { 'Fn::Sub': string } })['Fn::Base64']['Fn::Sub'];
    expect(userData).toContain("'${LaunchGroup1ReadyHandle}'");
    expect(userData).toContain('\\"UniqueId\\":\\"SHOPDB02\\"');
  });

  it('adds network interfaces, Elastic IPs, test-launch conditions, KMS and tags where settings need them', () => {
    let doc = applyEdit(docWithServers(2), { type: 'application.create', applicationId: 'a', name: 'Net', groups: [{ id: 'g', name: 'G', serverIds: ['s1', 's2'] }] });
    doc = applyEdit(doc, { type: 'application.update', applicationId: 'a', patch: { tags: { CostCenter: '42' } } });
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ['s1', 's2'], patch: { instanceType: 'm6i.large', subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'] } });
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ['s1'], patch: { privateIpAddress: '10.0.0.5', elasticIp: true, testSubnetId: 'subnet-0000000000000000a', volumeEncrypted: true, volumeKmsKeyId: 'alias/m', tags: { Owner: 'ops' } } });
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ['s2'], patch: { associatePublicIp: true } });
    const [t] = buildCloudFormation(doc, 'a', { format: 'json', waitStrategy: 'depends-on' });
    const tpl = t!.template as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(tpl.Resources!)).toEqual(['S1Eni', 'S1', 'S1Eip', 'S2']);
    expect(Object.keys(tpl.Parameters!)).toEqual(['LaunchMode', 'VpcId', 'Subnet1', 'TestSubnet1', 'KmsKey1', 'S1Ami', 'S2Ami']);
    expect(tpl.Conditions).toEqual({ IsTestLaunch: { 'Fn::Equals': [{ Ref: 'LaunchMode' }, 'test'] } });
    const s1 = tpl.Resources!.S1!.Properties as Record<string, unknown>;
    expect(s1.NetworkInterfaces).toEqual([{ NetworkInterfaceId: { Ref: 'S1Eni' }, DeviceIndex: '0' }]);
    expect(s1.Tags).toContainEqual({ Key: 'Owner', Value: 'ops' });
    expect(s1.Tags).toContainEqual({ Key: 'CostCenter', Value: '42' });
    expect(JSON.stringify(s1.BlockDeviceMappings)).toContain('"KmsKeyId":{"Ref":"KmsKey1"}');
    const s2 = tpl.Resources!.S2!.Properties as Record<string, unknown>;
    expect(s2.NetworkInterfaces).toMatchObject([{ DeviceIndex: '0', AssociatePublicIpAddress: true }]);
    expect(Object.keys(tpl.Outputs!)).toEqual(['S1InstanceId', 'S1PrivateIp', 'S2InstanceId', 'S2PrivateIp']);
  });

  it('asks for an instance type at stack creation rather than guessing one', () => {
    const [t] = buildCloudFormation(demo, 'app-payroll', { format: 'json', waitStrategy: 'depends-on' });
    const params = t!.template.Parameters as Record<string, { Type: string; Default?: string }>;
    expect(params.PAYDB01InstanceType).toEqual({ Type: 'String', Description: 'Instance type for PAY-DB01 (not planned yet)' });
  });

  it('splits a large application into parts within CloudFormation quotas, in launch order', () => {
    let doc = docWithServers(450);
    const ids = doc.inventory.servers.map((s) => s.id);
    doc = applyEdit(doc, { type: 'application.create', applicationId: 'big', name: 'Big App', groups: [{ id: 'g1', name: 'One', serverIds: ids.slice(0, 100) }, { id: 'g2', name: 'Two', serverIds: ids.slice(100) }] });
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ids, patch: { instanceType: 'm6i.large', subnetId: 'subnet-0123456789abcdef0', elasticIp: true } });
    const parts = buildCloudFormation(doc, 'big', { format: 'yaml', waitStrategy: 'wait-condition' });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flatMap((p) => p.serverIds)).toEqual(ids);
    expect(parts[0]!.fileName).toBe(`big-app.part-1-of-${parts.length}.cfn.yaml`);
    for (const p of parts) {
      const t = p.template as Record<string, Record<string, unknown>>;
      expect(Object.keys(t.Parameters!).length).toBeLessThanOrEqual(CFN_LIMITS.parameters);
      expect(Object.keys(t.Resources!).length).toBeLessThanOrEqual(CFN_LIMITS.resources);
      expect(Object.keys(t.Outputs!).length).toBeLessThanOrEqual(CFN_LIMITS.outputs);
    }
  });

  it('refuses a server whose logical ID is also a parameter name', () => {
    let doc = applyEdit(docWithServers(1), { type: 'application.create', applicationId: 'a', name: 'A', groups: [{ id: 'g', name: 'G', serverIds: ['s1'] }] });
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ['s1'], patch: { logicalId: 'Subnet1', instanceType: 'm6i.large', subnetId: 'subnet-0123456789abcdef0' } });
    expect(() => buildCloudFormation(doc, 'a', { format: 'yaml', waitStrategy: 'depends-on' })).toThrow(/both be named Subnet1/);
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ['s1'], patch: { logicalId: 'VpcId' } });
    expect(() => buildCloudFormation(doc, 'a', { format: 'yaml', waitStrategy: 'depends-on' })).toThrow(/both be named VpcId/);
  });

  it('refuses logical IDs that would collide with generated names', () => {
    let doc = applyEdit(docWithServers(2), { type: 'application.create', applicationId: 'a', name: 'A', groups: [{ id: 'g', name: 'G', serverIds: ['s1', 's2'] }] });
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ['s1'], patch: { logicalId: 'Web' } });
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: ['s2'], patch: { logicalId: 'WebAmi' } });
    try {
      buildCloudFormation(doc, 'a', { format: 'yaml', waitStrategy: 'depends-on' });
      expect.unreachable();
    } catch (err) {
      expect(isWorkbenchError(err, 'export-invalid')).toBe(true);
      expect((err as Error).message).toMatch(/WebAmi/);
    }
  });
});

describe('user data', () => {
  it('keeps a script as is without a signal, and escapes ${ for Fn::Sub with one', () => {
    expect(renderUserData({ osFamily: 'linux', script: { kind: 'shell', content: 'echo hi' } })!.text).toBe('#!/bin/bash\necho hi');
    expect(renderUserData({ osFamily: 'windows', script: { kind: 'powershell', content: 'Write-Host hi' } })!.text).toBe('<powershell>\nWrite-Host hi\n</powershell>\n');
    const sub = renderUserData({ osFamily: 'linux', script: { kind: 'shell', content: 'echo ${HOME}' }, signal: { handleLogicalId: 'H', uniqueId: 'S1' } })!;
    expect(sub.sub).toBe(true);
    expect(sub.text).toContain('echo ${!HOME}');
    expect(sub.text).toContain("'${H}'");
    const win = renderUserData({ osFamily: 'windows', signal: { handleLogicalId: 'H', uniqueId: 'S1' } })!;
    expect(win.text).toMatch(/^<powershell>[\s\S]*Invoke-RestMethod -Method Put -Uri '\$\{H\}'[\s\S]*<\/powershell>\n$/);
    expect(renderUserData({ osFamily: 'linux' })).toBeNull();
  });
});
