import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { makeInventory, sample, tempDir } from '../../../../helpers/inventory-fixtures';
import { readXlsx } from '../../../../../main/services/inventory/xlsx.reader';
import { toCsv } from '../../../../../main/services/inventory/catalog.exporter';

describe('catalog exports', () => {
  it('writes an xlsx that our reader (and so Excel) reads back, and says where', async () => {
    const { inventory } = makeInventory();
    await inventory.import({ paths: [sample('rvtools_mjvincent_rvtools-small-complete.xlsx')] });
    const dir = await tempDir();
    const res = await inventory.export('xlsx', path.join(dir, 'catalog'));
    expect(res).toEqual({ path: path.join(dir, 'catalog.xlsx'), rows: 3 });
    const wb = readXlsx(new Uint8Array(await readFile(res.path)), 'catalog.xlsx');
    expect(wb.tables[0]!.headers.slice(0, 4)).toEqual(['Name', 'Source', 'VM manager', 'Power']);
    expect(wb.tables[0]!.rows.map((r) => r[0])).toEqual(['sample-web-01', 'sample-db-01', 'sample-archive-01']);
    expect(wb.tables[0]!.rows[1]![12]).toBe(16384);
  });

  it('a re-import of our own Migration Hub export finds the same servers', async () => {
    const { inventory } = makeInventory();
    await inventory.import({ paths: [sample('rvtools_mjvincent_rvtools-small-complete.xlsx')] });
    const dir = await tempDir();
    const res = await inventory.export('migration-hub-csv', path.join(dir, 'mh.csv'));
    const rows = parse(await readFile(res.path, 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({ 'VMware.VMName': 'sample-db-01', 'RAM.TotalSizeInMB': '16384', 'CPU.NumberOfLogicalCores': '4', IPAddress: '10.10.2.20, 10.10.3.20' });
    const r = await inventory.import({ paths: [res.path] });
    expect(r.files[0]!.kind).toBe('migration-hub-csv');
    expect(r.added).toBe(0);
  });

  it('MGN import CSV carries waves, apps and launch fields from a CMF intake', async () => {
    const { inventory } = makeInventory();
    await inventory.import({ paths: [sample('cmf_intake_server-list.csv')] });
    const dir = await tempDir();
    const res = await inventory.export('mgn-csv', path.join(dir, 'mgn.csv'));
    const rows = parse(await readFile(res.path, 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ 'mgn:account-id': '111122223333', 'mgn:region': 'us-east-1', 'mgn:wave:name': 'Wave 1', 'mgn:app:name': 'app01-hr', 'mgn:server:platform': 'Windows', 'mgn:launch:instance-type': 'm4.large', 'mgn:launch:nic:0:security-group-id:0': 'sg-1111' });
  });

  it('the MGN and Migration Hub files follow the plan where it places a server; unplaced servers keep their imported tags', async () => {
    const { inventory, project } = makeInventory();
    await inventory.import({ paths: [sample('cmf_intake_server-list.csv')] });
    const doc = project.document;
    const [first, second] = doc.inventory.servers;
    project.commit({
      ...doc,
      planning: {
        ...doc.planning,
        waves: [...doc.planning.waves, { id: 'w-plan', name: 'Cutover March', description: '' }],
        applications: [...doc.planning.applications, {
          id: 'a-plan', name: 'Payroll', description: '', waveId: 'w-plan', awsAccountId: '444455556666', awsRegion: 'eu-central-1', tags: {},
          replication: { frequency: 'one-time', amisToKeep: 3, licenseType: 'Auto', encrypted: false },
          groups: [{ id: 'g1', name: 'Group 1', serverIds: [first!.id] }],
        }],
      },
    });
    const dir = await tempDir();
    const mgn = parse(await readFile((await inventory.export('mgn-csv', path.join(dir, 'mgn.csv'))).path, 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    const row = (name: string) => mgn.find((r) => r['mgn:server:tag:Name'] === name)!;
    expect(row(first!.name)).toMatchObject({ 'mgn:account-id': '444455556666', 'mgn:region': 'eu-central-1', 'mgn:wave:name': 'Cutover March', 'mgn:app:name': 'Payroll' });
    expect(row(second!.name)['mgn:wave:name']).toBe(second!.tags.wave ?? '');
    expect(row(second!.name)['mgn:app:name']).toBe(second!.tags.application ?? '');
    const mh = parse(await readFile((await inventory.export('migration-hub-csv', path.join(dir, 'mh.csv'))).path, 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(mh[doc.inventory.servers.indexOf(first!)]).toMatchObject({ Applications: 'Payroll', ApplicationWave: 'Cutover March' });
  });

  it('CSV cells that a spreadsheet would run as formulas are neutralised', () => {
    expect(toCsv([['=cmd|calc', 'a,b', 'x"y']])).toBe('\uFEFF\'=cmd|calc,"a,b","x""y"\r\n');
  });
});
