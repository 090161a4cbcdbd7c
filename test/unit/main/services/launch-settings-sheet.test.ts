// The launch-settings sheet through the export service: real files in a temp folder, real CSV/xlsx writers and readers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExportService } from '../../../../main/services/export.service';
import { CfnValidatorService } from '../../../../main/services/cfn-validator.service';
import { InstanceCatalogService } from '../../../../main/services/instance-catalog.service';
import { isWorkbenchError } from '../../../../main/common/model/errors';
import type { ProjectDocument } from '../../../../main/common/model/project';
import { silentLogger } from '../../../../main/platform/logger';
import { readXlsx } from '../../../../main/services/inventory/xlsx.reader';
import { writeXlsx } from '../../../../main/services/inventory/xlsx.writer';
import { loadDemo } from '../../../helpers/plan-fixtures';
import { readFile } from 'node:fs/promises';

const validator = new CfnValidatorService();
const catalog = new InstanceCatalogService(path.resolve('assets/data/ec2-instance-types.json'));
let dir: string;
const doc: ProjectDocument = loadDemo();
const exporter = new ExportService({ document: () => doc, validator, catalog, logger: silentLogger });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-ls-'));
});
afterAll(async () => {
  validator.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('launch settings sheet files', () => {
  it('xlsx: written, edited as a spreadsheet would be, read back as a diff', async () => {
    const file = path.join(dir, 'launch.xlsx');
    const r = await exporter.saveLaunchSettings(file, { format: 'xlsx' });
    expect(r.rows).toBe(14);
    const table = readXlsx(new Uint8Array(await readFile(file)), 'launch.xlsx').tables[0]!;
    const rows = table.rows.map((x) => [...x]);
    rows[0]![table.headers.indexOf('instance_type')] = 'r6i.8xlarge';
    await writeFile(file, writeXlsx([{ name: 'Launch settings', rows: [table.headers, ...rows] }]));
    const diff = await exporter.readLaunchSettings(file);
    expect(diff.problems).toEqual([]);
    expect(diff.changes).toEqual([{ serverId: rows[0]![0], serverName: rows[0]![1], field: 'Instance type', before: 'r6i.2xlarge', after: 'r6i.8xlarge' }]);
  });

  it('csv of one application; a folder, a missing file and a binary file are typed errors', async () => {
    const file = path.join(dir, 'webshop.csv');
    expect((await exporter.saveLaunchSettings(file, { format: 'csv', applicationId: 'app-webshop' })).rows).toBe(7);
    expect((await exporter.readLaunchSettings(file)).changes).toEqual([]);
    expect(isWorkbenchError(await exporter.saveLaunchSettings(dir, { format: 'csv' }).catch((e: unknown) => e), 'invalid-input')).toBe(true);
    expect(isWorkbenchError(await exporter.readLaunchSettings(path.join(dir, 'nope.csv')).catch((e: unknown) => e), 'not-found')).toBe(true);
    const bin = path.join(dir, 'bin.csv');
    await writeFile(bin, Buffer.from([0, 1, 2, 3, 0, 0, 7, 8, 0, 0]));
    expect(isWorkbenchError(await exporter.readLaunchSettings(bin).catch((e: unknown) => e), 'import-unrecognized')).toBe(true);
  });
});
