import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { AWS_REGIONS, validateProjectDefaults, withProjectDefaults } from '../../../../../main/common/assess/project-defaults';
import { applyEdit } from '../../../../../main/common/model/edits';
import { docWithServers } from '../../../../helpers/plan-fixtures';

function plan() {
  let d = applyEdit(docWithServers(3), { type: 'application.create', applicationId: 'a1', name: 'Shop', groups: [{ id: 'g1', name: 'DB', serverIds: ['s1', 's2'] }] });
  d = applyEdit(d, { type: 'launchSettings.set', serverIds: ['s2'], patch: { subnetId: 'subnet-0000000000000000b', securityGroupIds: ['sg-0000000000000000b'] } });
  return d;
}

describe('project defaults', () => {
  it('checks AWS ID formats: 12-digit account, a known Region, vpc-/subnet-/sg- IDs', () => {
    expect(validateProjectDefaults({ awsAccountId: '111122223333', awsRegion: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0', subnetId: 'subnet-01234567', securityGroupIds: ['sg-0123456789abcdef0'], testSubnetId: 'subnet-0123456789abcdef0', testSecurityGroupIds: ['sg-01234567'] })).toEqual([]);
    const bad = validateProjectDefaults({ awsAccountId: '11112222333', awsRegion: 'EU-WEST-1', vpcId: 'vpc-XYZ', subnetId: 'sn-01234567', securityGroupIds: ['sg-0123456789abcdef0', 'web-sg'], testSubnetId: 'subnet-1', testSecurityGroupIds: ['sg-'] });
    expect(bad.map((p) => p.field)).toEqual(['awsAccountId', 'awsRegion', 'vpcId', 'subnetId', 'testSubnetId', 'securityGroupIds', 'testSecurityGroupIds']);
    expect(bad[5]!.message).toContain('web-sg');
    expect(AWS_REGIONS).toContain('us-east-1');
    expect(new Set(AWS_REGIONS).size).toBe(AWS_REGIONS.length);
  });

  it('fills defaults into applications and planned servers without their own values, and only those', () => {
    const d = applyEdit(plan(), { type: 'defaults.set', defaults: { awsAccountId: '111122223333', awsRegion: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0', subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'] } });
    const e = withProjectDefaults(d);
    expect(e.planning.applications[0]).toMatchObject({ awsAccountId: '111122223333', awsRegion: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0' });
    expect(e.planning.launchSettings.s1).toMatchObject({ subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'] });
    expect(e.planning.launchSettings.s2).toMatchObject({ subnetId: 'subnet-0000000000000000b', securityGroupIds: ['sg-0000000000000000b'] });
    // s3 is not planned: nothing invented for it.
    expect(e.planning.launchSettings.s3).toBeUndefined();
    // The stored document is untouched.
    expect(d.planning.launchSettings.s1).toBeUndefined();
  });

  it('without defaults the document is returned as is', () => {
    const d = plan();
    expect(withProjectDefaults(d)).toBe(d);
  });
});

describe('the Region list', () => {
  it('holds every commercial, China and GovCloud Region that the installed AWS SDK knows', () => {
    // The SDK's endpoint partitions are the maintained list nearest to hand; ours may be newer than the SDK, never older.
    const partitions = createRequire(import.meta.url)('@aws-sdk/util-endpoints/dist-cjs/lib/aws/partitions.json') as { partitions: Array<{ id: string; regions: Record<string, unknown> }> };
    const known = partitions.partitions.filter((p) => ['aws', 'aws-cn', 'aws-us-gov'].includes(p.id)).flatMap((p) => Object.keys(p.regions).filter((r) => !r.startsWith('aws-')));
    expect(known.length).toBeGreaterThan(25);
    expect(known.filter((r) => !AWS_REGIONS.includes(r))).toEqual([]);
    expect(new Set(AWS_REGIONS).size).toBe(AWS_REGIONS.length);
  });
});
