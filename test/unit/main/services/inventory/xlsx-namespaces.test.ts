import { writeFile } from 'node:fs/promises';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { writeXlsx } from '../../../../../main/services/inventory/xlsx.writer';
import { readXlsx } from '../../../../../main/services/inventory/xlsx.reader';
import { generateRvtools } from '../../../../helpers/rvtools-generator';
import { restyleWorkbook, type PackageStyle } from '../../../../helpers/xlsx-namespaces';
import { makeInventory, tempDir } from '../../../../helpers/inventory-fixtures';

const VMS = 60;

function totals(servers: { cpu: { vcpus: number }; memoryMiB: number; disks: { capacityMiB: number }[]; nics: unknown[] }[]) {
  return {
    servers: servers.length,
    vcpus: servers.reduce((n, s) => n + s.cpu.vcpus, 0),
    memoryMiB: servers.reduce((n, s) => n + s.memoryMiB, 0),
    diskMiB: servers.reduce((n, s) => n + s.disks.reduce((m, d) => m + d.capacityMiB, 0), 0),
    nics: servers.reduce((n, s) => n + s.nics.length, 0),
  };
}

describe('xlsx parts are read by namespace URI, whatever the prefix', () => {
  const plain = writeXlsx(generateRvtools(VMS));
  const reference = readXlsx(plain, 'plain.xlsx');

  it.each<PackageStyle>(['dotnet', 'other-prefixes', 'nested-declarations'])('%s: every sheet reads cell for cell as the default-namespace workbook', (style) => {
    const wb = readXlsx(restyleWorkbook(plain, style), `${style}.xlsx`);
    expect(wb.sheetNames).toEqual(reference.sheetNames);
    expect(wb.tables.map((t) => ({ ...t, file: '' }))).toEqual(reference.tables.map((t) => ({ ...t, file: '' })));
    expect(reference.tables[0]!.rows).toHaveLength(VMS);
  });

  it.each<PackageStyle>(['dotnet', 'other-prefixes', 'nested-declarations'])('%s: the import reads every VM with the same totals', async (style) => {
    const dir = await tempDir();
    const file = path.join(dir, `RVTools_${style}.xlsx`);
    await writeFile(file, restyleWorkbook(plain, style));
    await writeFile(path.join(dir, 'plain.xlsx'), plain);
    const a = makeInventory();
    const b = makeInventory();
    await a.inventory.import({ paths: [path.join(dir, 'plain.xlsx')] });
    const report = await b.inventory.import({ paths: [file] });
    expect(report.servers).toBe(VMS);
    expect(totals(b.project.document.inventory.servers)).toEqual(totals(a.project.document.inventory.servers));
  });

  it('a workbook whose elements are in another namespace is "not understood", never "empty"', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'odd.xlsx');
    await writeFile(file, restyleWorkbook(plain, 'wrong-namespace'));
    const { inventory, project } = makeInventory();
    const before = project.document;
    const err = await inventory.import({ paths: [file] }).catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'import-unrecognized'), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/not SpreadsheetML the reader understands/);
    expect((err as Error).message).not.toMatch(/no data|empty/);
    expect(project.document).toBe(before);
  });

  it('an unbound prefix is a damaged file, not an empty one', () => {
    const bytes = restyleWorkbook(plain, 'dotnet');
    // Drop the declaration of x: from the shared strings part only.
    const broken = restyleWorkbookPart(bytes, 'xl/sharedStrings.xml', (xml) => xml.replace(/ xmlns:x="[^"]+"/, ''));
    let err: unknown;
    try {
      readXlsx(broken, 'broken.xlsx');
    } catch (e) {
      err = e;
    }
    expect(isWorkbenchError(err, 'import-corrupt'), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/sharedStrings\.xml is not well-formed XML/);
  });
});

function restyleWorkbookPart(bytes: Uint8Array, part: string, edit: (xml: string) => string): Uint8Array {
  const files = unzipSync(bytes);
  files[part] = strToU8(edit(strFromU8(files[part]!)));
  return zipSync(files);
}
