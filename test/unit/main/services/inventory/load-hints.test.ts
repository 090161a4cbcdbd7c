import { readFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadBytes } from '../../../../../main/services/inventory/loader';
import { importers, loadHints } from '../../../../../main/services/inventory/registry';
import type { LoadHints } from '../../../../../main/services/inventory/importer';
import { writeXlsx } from '../../../../../main/services/inventory/xlsx.writer';
import { toCsv } from '../../../../../main/services/inventory/catalog.exporter';

const hint: LoadHints = {
  sheets: ['Servers', 'Disks'],
  sheetOf: (n) => /^(?:export_)?(servers|disks)(?:\.csv)?$/i.exec(n.replace(/^.*\//, ''))?.[1]?.toLowerCase() ?? null,
  columnFilter: (sheet) => (sheet === 'Servers' ? (h) => h !== 'Secret notes' : undefined),
};

describe('importers declare their load hints; the loader names no format', () => {
  it('a workbook: only the sheets a hint claims are read, with its column filter', async () => {
    const bytes = writeXlsx([
      { name: 'Servers', rows: [['Name', 'Secret notes', 'CPUs'], ['a', 'x', 2]] },
      { name: 'Budget', rows: [['Month'], ['Jan']] },
      { name: 'Disks', rows: [['Name', 'Size'], ['a', 10]] },
    ]);
    const file = await loadBytes(bytes, '/tmp/book.xlsx', undefined, { hints: [hint] });
    expect(file.sheetNames).toEqual(['Servers', 'Budget', 'Disks']);
    expect(file.tables.map((t) => t.name)).toEqual(['Servers', 'Disks']);
    expect(file.tables[0]!.rows[0]).toEqual(['a', null, 2]);
    // Without hints every sheet is read.
    expect((await loadBytes(bytes, '/tmp/book.xlsx')).tables).toHaveLength(3);
  });

  it('a zip of CSVs: only the files a hint claims are inflated', async () => {
    const bytes = zipSync({ 'export_servers.csv': strToU8(toCsv([['Name'], ['a']])), 'readme.csv': strToU8(toCsv([['x'], ['y']])) });
    const file = await loadBytes(bytes, '/tmp/export.zip', undefined, { hints: [hint] });
    expect(file.tables.map((t) => t.name)).toEqual(['export_servers.csv']);
  });

  it('the RVTools importer carries its own hints, and the loader and service import no importer', () => {
    expect(importers.rvtools.hints?.sheets).toContain('vInfo');
    expect(loadHints).toContain(importers.rvtools.hints);
    const dir = path.resolve(__dirname, '../../../../../main/services/inventory');
    for (const f of ['loader.ts', 'inventory.service.ts']) {
      const src = readFileSync(path.join(dir, f), 'utf8');
      expect(src, f).not.toMatch(/from '\.\/[\w-]+\.importer'/);
      expect(src, f).not.toMatch(/kind === 'rvtools'|RVTOOLS_|rvtools(SheetOf|ColumnFilter)/);
    }
  });
});
