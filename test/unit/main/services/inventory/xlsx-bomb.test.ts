import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { DEFAULT_LIMITS } from '../../../../../main/services/inventory/limits';
import { readXlsx } from '../../../../../main/services/inventory/xlsx.reader';
import { rawWorkbook, tempDir } from '../../../../helpers/inventory-fixtures';
import { zipFast } from '../../../../helpers/zip-writer';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const MIB = 2 ** 20;

/**
 * A workbook of ~`mib` MiB of shared strings that compresses about 20:1, like the hostile file
 * seen in the field (23 MB at 22:1): under the zip-bomb ratio bound, so only the reader can stop it.
 */
function hostileWorkbook(mib: number): Uint8Array {
  const pad = 'a'.repeat(40);
  const chunks: Buffer[] = [Buffer.from(`<sst xmlns="${MAIN}">`)];
  let size = 0;
  for (let i = 0; size < mib * MIB; ) {
    let block = '';
    for (let k = 0; k < 4096; k++, i++) block += `<si><t>vm-${((i * 2654435761) >>> 0).toString(36)}-${pad}</t></si>`;
    chunks.push(Buffer.from(block));
    size += block.length;
  }
  chunks.push(Buffer.from('</sst>'));
  return zipFast({ ...unzipSync(rawWorkbook('vInfo', '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>')), 'xl/sharedStrings.xml': new Uint8Array(Buffer.concat(chunks)) });
}

describe('shared strings are bounded by what is kept, not what the zip declares', () => {
  it('a workbook whose shared strings exceed the bound stops early with a typed error', () => {
    const wb = hostileWorkbook(24);
    expect(wb.length).toBeLessThan((24 * MIB) / 8);
    let err: unknown;
    try {
      readXlsx(wb, 'hostile.xlsx', { limits: { maxSharedStringsBytes: 8 * MIB } });
    } catch (e) {
      err = e;
    }
    expect(isWorkbenchError(err, 'import-too-large'), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/shared strings need more than 8 MiB of memory .*possible decompression bomb/);
    expect(DEFAULT_LIMITS.maxSharedStringsBytes).toBeLessThanOrEqual(256 * MIB);
  }, 60_000);

  it('reading it takes memory near the bound, not near the inflated size (separate process, peak RSS)', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'hostile.xlsx');
    await writeFile(file, hostileWorkbook(96));
    const script = path.join(dir, 'read.mts');
    const reader = path.resolve(__dirname, '../../../../../main/services/inventory/xlsx.reader.ts');
    await writeFile(
      script,
      `import { readFileSync } from 'node:fs';
import { readXlsx } from ${JSON.stringify(reader)};
const bytes = new Uint8Array(readFileSync(process.argv[2]));
const base = process.resourceUsage().maxRSS;
let code = 'none';
try { readXlsx(bytes, 'hostile.xlsx', { limits: { maxSharedStringsBytes: 16 * 2 ** 20 } }); } catch (e) { code = e.code ?? String(e); }
console.log(JSON.stringify({ code, base, peak: process.resourceUsage().maxRSS }));
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, file], { cwd: path.resolve(__dirname, '../../../../..'), encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const { code, base, peak } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { code: string; base: number; peak: number };
    expect(code).toBe('import-too-large');
    // maxRSS is in KiB. Inflating the 96 MiB part whole and decoding it to a string would add over 190 MiB.
    expect((peak - base) / 1024).toBeLessThan(80);
  }, 150_000);
});

