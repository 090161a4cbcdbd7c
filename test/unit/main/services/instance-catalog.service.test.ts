import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InstanceCatalogService } from '../../../../main/services/instance-catalog.service';
import { isWorkbenchError } from '../../../../main/common/model/errors';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mwb-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('instance catalog service', () => {
  it('loads the bundled catalog: 433 types with vCPU, memory, architecture and prices', () => {
    const catalog = new InstanceCatalogService(path.resolve('assets/data/ec2-instance-types.json'));
    const rows = catalog.list();
    expect(rows).toHaveLength(433);
    expect(catalog.lookup().get('m6i.large')).toMatchObject({ vcpu: 2, memoryGiB: 8, arch: 'x86_64' });
    expect(catalog.lookup().get('m7g.large')?.priceUsdHour['us-east-1'].windows).toBeNull();
  });

  it('each price carries the data date of its source from the provenance file beside the catalog', () => {
    const catalog = new InstanceCatalogService(path.resolve('assets/data/ec2-instance-types.json'));
    const c4 = catalog.lookup().get('c4.2xlarge')!;
    expect(c4.priceDates?.['us-east-1']).toEqual({ linux: '2026-09-04', windows: '2026-09-04' });
    // No Windows on Graviton: no price, so no date.
    expect(catalog.lookup().get('m7g.large')?.priceDates?.['us-east-1'].windows).toBeNull();
    // Without the provenance file the catalog still loads, without dates.
    const alone = path.join(dir, 'alone.json');
    writeFileSync(alone, JSON.stringify([{ ...c4, priceDates: undefined }]));
    expect(new InstanceCatalogService(alone).list()[0]!.priceDates).toBeUndefined();
  });

  it('a damaged or missing catalog is a typed error, not a crash', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ type: 'x', vcpu: -1 }]));
    for (const file of [bad, path.join(dir, 'missing.json')]) {
      try {
        new InstanceCatalogService(file).list();
        expect.unreachable();
      } catch (err) {
        expect(isWorkbenchError(err, 'internal')).toBe(true);
        expect((err as Error).message).toMatch(/catalog/);
      }
    }
  });
});
