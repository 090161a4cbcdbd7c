// Uses the real AWS CloudFormation validator (wasm) and real files in a temp folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { parse as parseCsv } from 'csv-parse/sync';
import { ExportService } from '../../../../main/services/export.service';
import { CfnValidatorService } from '../../../../main/services/cfn-validator.service';
import { InstanceCatalogService } from '../../../../main/services/instance-catalog.service';
import { applyEdit } from '../../../../main/common/model/edits';
import { isWorkbenchError } from '../../../../main/common/model/errors';
import type { ProjectDocument } from '../../../../main/common/model/project';
import { silentLogger } from '../../../../main/platform/logger';
import { loadDemo } from '../../../helpers/plan-fixtures';

const validator = new CfnValidatorService();
const catalog = new InstanceCatalogService(path.resolve('assets/data/ec2-instance-types.json'));
let dir: string;
let doc: ProjectDocument;
const exporter = new ExportService({ document: () => doc, validator, catalog, logger: silentLogger });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-export-'));
  doc = loadDemo();
  doc = { ...doc, verification: { records: [{ id: 'v1', file: 'setup.exe', kind: 'authenticode', status: 'valid', reasons: [], signer: 'Contoso', sha256: 'ab'.repeat(32), verifiedAt: '2026-11-21T10:00:00Z' }] } };
  doc = applyEdit(doc, { type: 'application.update', applicationId: 'app-webshop', patch: { awsAccountId: '111122223333', awsRegion: 'eu-west-1' } });
});
afterAll(async () => {
  validator.dispose();
  await rm(dir, { recursive: true, force: true });
});

// The first export starts AWS's CloudFormation validator (seconds on a quiet machine, more under load): a generous limit.
describe('export service', { timeout: 120_000 }, () => {
  it('previews a valid template with no blocking findings', async () => {
    const p = await exporter.preview({ applicationId: 'app-webshop', format: 'yaml', waitStrategy: 'depends-on' });
    expect(p.blockedBy).toBeNull();
    expect(p.templates).toHaveLength(1);
    expect(p.templates[0]!.servers).toBe(7);
    expect(p.reports[0]!.ok).toBe(true);
    expect(p.planIssues.every((i) => i.severity === 'warning')).toBe(true);
  });

  it('writes the validated template to the chosen file', async () => {
    const out = path.join(dir, 'out', 'webshop.json');
    const r = await exporter.saveTemplate({ applicationId: 'app-webshop', format: 'json', waitStrategy: 'wait-condition' }, out);
    expect(r.written).toEqual([out]);
    const tpl = JSON.parse(await readFile(out, 'utf8'));
    expect(tpl.Resources.LaunchGroup2Ready.Type).toBe('AWS::CloudFormation::WaitCondition');
  });

  it('refuses an application with plan errors, names the fixes, and writes nothing', async () => {
    const before = JSON.stringify(doc);
    const out = path.join(dir, 'payroll.yaml');
    const err = await exporter.saveTemplate({ applicationId: 'app-payroll', format: 'yaml', waitStrategy: 'depends-on' }, out).catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'export-invalid')).toBe(true);
    expect((err as Error).message).toMatch(/PAY-DB01 has no instance type\. Fix: Pick one in Launch settings/);
    await expect(stat(out)).rejects.toThrow();
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('refuses a template the validator rejects, with its messages', async () => {
    const saved = doc;
    const id = doc.planning.applications[0]!.groups[0]!.serverIds[0]!;
    doc = applyEdit(doc, { type: 'launchSettings.set', serverIds: [id], patch: { instanceType: 'r6i.colossal' } });
    try {
      const out = path.join(dir, 'rejected.yaml');
      const err = await exporter.saveTemplate({ applicationId: 'app-webshop', format: 'yaml', waitStrategy: 'depends-on' }, out).catch((e: unknown) => e);
      expect(isWorkbenchError(err, 'export-invalid')).toBe(true);
      expect((err as Error).message).toMatch(/validator rejected[\s\S]*E3628[\s\S]*r6i\.colossal/);
      await expect(stat(out)).rejects.toThrow();
    } finally {
      doc = saved;
    }
  });

  it('writes the hand-off bundle as a folder', async () => {
    const out = path.join(dir, 'bundle');
    const r = await exporter.saveBundle({ applicationId: 'app-webshop', format: 'yaml', waitStrategy: 'depends-on' }, out, { zip: false });
    const names = (await readdir(out, { recursive: true })).map(String).sort();
    expect(names).toEqual(['RUNBOOK.md', 'cmf-intake.csv', 'inventory.csv', 'manifest.json', 'mgn-import.csv', 'templates', path.join('templates', 'webshop.cfn.yaml'), 'validation.txt', 'verification.csv']);
    expect(r.written).toHaveLength(8);
    const runbook = await readFile(path.join(out, 'RUNBOOK.md'), 'utf8');
    for (const h of ['## Prerequisites', '## Parameters', '## Launch order', '## Test launch', '## Cutover', '**DNS change**', '## Rollback']) expect(runbook).toContain(h);
    expect(runbook).toMatch(/1\. \*\*Database\*\*: SHOP-DB01 \(r6i\.2xlarge\), SHOP-DB02/);
    const mgn = parseCsv(await readFile(path.join(out, 'mgn-import.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(mgn).toHaveLength(7);
    expect(mgn[0]).toMatchObject({ 'mgn:account-id': '111122223333', 'mgn:region': 'eu-west-1', 'mgn:app:name': 'WebShop', 'mgn:server:user-provided-id': 'SHOP-DB01', 'mgn:server:platform': 'Linux', 'mgn:launch:instance-type': 'r6i.2xlarge', 'mgn:launch:nic:0:security-group-id:0': 'sg-0123456789abcdef0' });
    const cmf = parseCsv(await readFile(path.join(out, 'cmf-intake.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(cmf[0]).toMatchObject({ wave_name: 'Wave 1 — pilot', app_name: 'WebShop', server_name: 'SHOP-DB01', server_os_family: 'linux', r_type: 'Rehost', server_tier: 'Database', instanceType: 'r6i.2xlarge', tenancy: 'Shared' });
    const verification = parseCsv(await readFile(path.join(out, 'verification.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(verification).toEqual([expect.objectContaining({ file: 'setup.exe', status: 'valid', signer: 'Contoso' })]);
    const inventory = parseCsv(await readFile(path.join(out, 'inventory.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(inventory.map((r) => r.launch_order)).toEqual(['1', '1', '2', '2', '2', '3', '3']);
  });

  it('writes the bundle as a deterministic zip', async () => {
    const a = path.join(dir, 'a.zip');
    const b = path.join(dir, 'b');
    await exporter.saveBundle({ applicationId: 'app-webshop', format: 'json', waitStrategy: 'depends-on' }, a, { zip: true });
    const rb = await exporter.saveBundle({ applicationId: 'app-webshop', format: 'json', waitStrategy: 'depends-on' }, b, { zip: true });
    expect(rb.written).toEqual([`${b}.zip`]);
    const [za, zb] = [await readFile(a), await readFile(`${b}.zip`)];
    expect(za.equals(zb)).toBe(true);
    const entries = unzipSync(new Uint8Array(za));
    expect(Object.keys(entries).sort()).toEqual(['RUNBOOK.md', 'cmf-intake.csv', 'inventory.csv', 'manifest.json', 'mgn-import.csv', 'templates/webshop.cfn.json', 'validation.txt', 'verification.csv']);
    expect(JSON.parse(strFromU8(entries['templates/webshop.cfn.json']!)).AWSTemplateFormatVersion).toBe('2010-09-09');
  });
});
