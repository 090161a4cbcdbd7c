import { describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { cmfIntakeCsv, mgnImportCsv, runbookMarkdown } from '../../../../../main/common/export/bundle';
import { buildCloudFormation } from '../../../../../main/common/export/cloudformation.builder';
import { withProjectDefaults } from '../../../../../main/common/assess/project-defaults';
import { applyEdit } from '../../../../../main/common/model/edits';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import { loadDemo } from '../../../../helpers/plan-fixtures';

const DEFAULTS = { awsAccountId: '444455556666', awsRegion: 'eu-central-1', vpcId: 'vpc-0123456789abcdef0', subnetId: 'subnet-0000000000000000d', securityGroupIds: ['sg-0000000000000000d'] };

function webshop(doc: ProjectDocument) {
  const e = withProjectDefaults(doc);
  return { e, app: e.planning.applications.find((a) => a.id === 'app-webshop')! };
}

describe('project defaults in the hand-off files', () => {
  it('fill the MGN account and Region columns; the fqdn column holds names, never IPs', () => {
    let doc = loadDemo();
    // A server known only by its IP in the inventory: the fqdn column falls back to its name.
    const first = doc.planning.applications.find((a) => a.id === 'app-webshop')!.groups[0]!.serverIds[0]!;
    doc = { ...doc, inventory: { ...doc.inventory, servers: doc.inventory.servers.map((s) => (s.id === first ? { ...s, identity: { ...s.identity, fqdn: undefined, hostName: '10.20.30.20' } } : s)) } };
    const before = parseCsv(mgnImportCsv(webshop(doc).e, webshop(doc).app), { columns: true }) as Record<string, string>[];
    expect(before.every((r) => r['mgn:account-id'] === '' && r['mgn:region'] === '')).toBe(true);
    doc = applyEdit(doc, { type: 'defaults.set', defaults: DEFAULTS });
    const { e, app } = webshop(doc);
    const rows = parseCsv(mgnImportCsv(e, app), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r['mgn:account-id'] === '444455556666' && r['mgn:region'] === 'eu-central-1')).toBe(true);
    expect(rows.every((r) => r['mgn:server:fqdn-for-action-framework'] && !/^\d+\.\d+\.\d+\.\d+$/.test(r['mgn:server:fqdn-for-action-framework']!))).toBe(true);
    const cmf = parseCsv(cmfIntakeCsv(e, app), { columns: true }) as Record<string, string>[];
    expect(cmf.every((r) => r.aws_accountid === '444455556666' && r.aws_region === 'eu-central-1')).toBe(true);
  });

  it('leave no <account> or <region> placeholder in the runbook', () => {
    const doc = applyEdit(loadDemo(), { type: 'defaults.set', defaults: DEFAULTS });
    const { e, app } = webshop(doc);
    const templates = buildCloudFormation(e, app.id, { format: 'yaml', waitStrategy: 'depends-on' });
    const md = runbookMarkdown({ doc: e, app, templates, reports: [], options: { format: 'yaml', waitStrategy: 'depends-on' } });
    expect(md).not.toMatch(/<account>|<region>/);
    expect(md).toContain('--region eu-central-1');
    expect(md).toContain('AWS account 444455556666');
    expect(md).toContain('vpc-0123456789abcdef0');
  });

  it('a server without its own subnet gets the default subnet in the template; one with its own keeps it', () => {
    let doc = loadDemo();
    const [a, b] = doc.planning.applications.find((x) => x.id === 'app-webshop')!.groups[0]!.serverIds;
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: [a!], patch: { subnetId: null } });
    doc = applyEdit(doc, { type: 'defaults.set', defaults: DEFAULTS });
    const { e, app } = webshop(doc);
    const body = buildCloudFormation(e, app.id, { format: 'json', waitStrategy: 'depends-on' })[0]!.body;
    expect(body).toContain('subnet-0000000000000000d');
    expect(e.planning.launchSettings[b!]!.subnetId).toBe(doc.planning.launchSettings[b!]!.subnetId);
  });
});
