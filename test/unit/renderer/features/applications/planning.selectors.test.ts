import { describe, expect, it } from 'vitest';
import { badgeOf, groupIssues, selectPlanIssues, selectProblemCounts } from '../../../../../renderer/features/applications/planning.selectors';
import { applyEdit } from '../../../../../main/common/model/edits';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import { docWithServers, loadDemo } from '../../../../helpers/plan-fixtures';

function plan(): ProjectDocument {
  let d = applyEdit(docWithServers(4), { type: 'application.create', applicationId: 'a1', name: 'Shop', groups: [{ id: 'g1', name: 'DB', serverIds: ['s1', 's2'] }, { id: 'g2', name: 'App', serverIds: ['s3'] }, { id: 'g3', name: 'Empty', serverIds: [] }] });
  d = applyEdit(d, { type: 'launchSettings.set', serverIds: ['s1', 's2', 's3'], patch: { instanceType: 'm6i.large', subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'] } });
  return applyEdit(d, { type: 'launchSettings.set', serverIds: ['s2'], patch: { subnetId: 'bad' } });
}

describe('one problem count behind every badge', () => {
  it('a group counts its servers plus its own issues; the application counts everything', () => {
    const d = plan();
    const c = selectProblemCounts(d, []);
    // s1: no AMI (warning); s2: bad subnet (error) + no AMI; s3: no AMI; the empty group: a warning; no account/Region: 2 errors.
    expect(c.server('s1')).toEqual({ errors: 0, warnings: 1 });
    expect(c.server('s2')).toEqual({ errors: 1, warnings: 1 });
    expect(c.group('a1', 'g1')).toEqual({ errors: 1, warnings: 2 });
    expect(c.group('a1', 'g1')).toEqual({ errors: c.server('s1').errors + c.server('s2').errors, warnings: c.server('s1').warnings + c.server('s2').warnings });
    expect(c.group('a1', 'g3')).toEqual({ errors: 0, warnings: 1 });
    expect(c.app('a1')).toEqual({ errors: 3, warnings: 4 });
    expect(c.app('a1').errors + c.app('a1').warnings).toBe(selectPlanIssues(d, []).issues.length);
  });

  it('the demo: servers with amber badges make an amber application, never a plain ✓', () => {
    const d = applyEdit(loadDemo(), { type: 'defaults.set', defaults: { awsAccountId: '111122223333', awsRegion: 'eu-west-1' } });
    const c = selectProblemCounts(d, []);
    const shop = d.planning.applications.find((a) => a.id === 'app-webshop')!;
    const servers = shop.groups.flatMap((g) => g.serverIds).map((id) => c.server(id));
    expect(servers.every((x) => x.errors === 0 && x.warnings === 1)).toBe(true);
    expect(badgeOf(c.app(shop.id))).toEqual({ tone: 'warning', count: 7, label: '7 warnings' });
    for (const g of shop.groups) expect(c.group(shop.id, g.id).warnings).toBe(g.serverIds.length);
    expect(badgeOf({ errors: 0, warnings: 0 })).toBeNull();
    expect(badgeOf({ errors: 2, warnings: 1 })).toEqual({ tone: 'error', count: 2, label: '2 errors, 1 warning' });
  });

  it('issues of one kind are grouped with every server they are about', () => {
    const groups = groupIssues(selectPlanIssues(plan(), []).issues);
    const ami = groups.find((g) => g.code === 'missing-ami')!;
    expect(ami.issues.map((i) => i.serverId)).toEqual(['s1', 's2', 's3']);
    expect(groups.map((g) => g.code)).toEqual(['group-empty', 'missing-account', 'missing-region', 'missing-ami', 'invalid-id-format']);
  });
});
