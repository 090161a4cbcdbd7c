import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AssessmentService } from '../../../../main/services/assessment.service';
import { InstanceCatalogService } from '../../../../main/services/instance-catalog.service';
import { assetPath } from '../../../../main/platform/paths';
import { dispatch } from '../../../../main/ipc/dispatch';
import { createHandlers } from '../../../../main/ipc/handlers';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';
import { loadDemo } from '../../../helpers/plan-fixtures';
import type { Services } from '../../../../main/services/container';

let dir: string;
let services: Services;
beforeAll(async () => {
  dir = await tempDir('mwb-assess-svc-');
  services = testServices(dir);
  await services.project.openDemo();
});
afterAll(async () => {
  services.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('assessment service', () => {
  it('serves the bundled reference and writes the report over IPC', async () => {
    const handlers = createHandlers(services);
    const ref = await dispatch(handlers, 'assess.reference', {});
    expect(ref.ok).toBe(true);
    const value = (ref as { value: { catalog: unknown[]; osSupport: Record<string, unknown>; ebsPrices: { regions: Record<string, unknown> } } }).value;
    expect(value.catalog.length).toBeGreaterThan(400);
    expect(Object.keys(value.osSupport)).toContain('Windows Server');
    expect(Object.keys(value.ebsPrices.regions)).toEqual(['us-east-1', 'eu-west-1']);
    const out = path.join(dir, 'r.xlsx');
    const saved = await dispatch(handlers, 'assess.saveReport', { path: out, assumptions: { region: 'eu-west-1' } });
    expect(saved).toMatchObject({ ok: true, value: { path: out } });
    expect((await fs.stat(out)).size).toBeGreaterThan(1000);
    const bad = await dispatch(handlers, 'assess.saveReport', { path: out, assumptions: { headroomPct: 'lots' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('refuses a report name that is not .xlsx and a damaged data file, with typed errors', async () => {
    const doc = loadDemo();
    const svc = new AssessmentService({ catalog: new InstanceCatalogService(assetPath('data', 'ec2-instance-types.json')), osSupportFile: assetPath('data', 'aws-os-support.json'), ebsPricesFile: assetPath('data', 'ebs-prices.json'), document: () => doc });
    await expect(svc.saveReport(path.join(dir, 'r.pdf'))).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(fs.stat(path.join(dir, 'r.pdf'))).rejects.toThrow();
    const damaged = path.join(dir, 'ebs.json');
    await fs.writeFile(damaged, '{"unit": 1}');
    const broken = new AssessmentService({ catalog: new InstanceCatalogService(assetPath('data', 'ec2-instance-types.json')), osSupportFile: assetPath('data', 'aws-os-support.json'), ebsPricesFile: damaged, document: () => doc });
    expect(() => broken.reference()).toThrow(/bundled EBS price list is damaged/);
    const missing = new AssessmentService({ catalog: new InstanceCatalogService(assetPath('data', 'ec2-instance-types.json')), osSupportFile: path.join(dir, 'none.json'), ebsPricesFile: damaged, document: () => doc });
    expect(() => missing.reference()).toThrow(/could not be read \(ENOENT\)/);
  });
});
