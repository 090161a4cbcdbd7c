import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError, type WorkbenchErrorCode } from '../../../../../main/common/model/errors';
import { makeInventory, rawWorkbook, sample, tempDir, writeWorkbook } from '../../../../helpers/inventory-fixtures';
import { toCsv } from '../../../../../main/services/inventory/catalog.exporter';
import { readXlsx } from '../../../../../main/services/inventory/xlsx.reader';

/** Imports `file` into a project that already holds the small sample; expects `code` and no change. */
async function expectRefused(file: string, code: WorkbenchErrorCode, message?: RegExp) {
  const { inventory, project } = makeInventory();
  await inventory.import({ paths: [sample('rvtools_mjvincent_rvtools-small-complete.xlsx')] });
  const before = project.document;
  const revision = project.meta().revision;
  const err = await inventory.import({ paths: [file] }).catch((e: unknown) => e);
  expect(isWorkbenchError(err), String(err)).toBe(true);
  expect((err as { code: string }).code).toBe(code);
  if (message) expect((err as Error).message).toMatch(message);
  expect(project.document).toBe(before);
  expect(project.meta().revision).toBe(revision);
  return err as Error;
}

describe('bad input gets a specific error and changes nothing', () => {
  it('a truncated xlsx', async () => {
    const dir = await tempDir();
    const bytes = await readFile(sample('rvtools_mjvincent_SizingWorkshop-RVTools.xlsx'));
    await writeFile(path.join(dir, 'cut.xlsx'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectRefused(path.join(dir, 'cut.xlsx'), 'import-corrupt', /damaged or truncated/);
  });

  it('a file named .xlsx that is not a zip', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'fake.xlsx'), 'hello, this is text');
    await expectRefused(path.join(dir, 'fake.xlsx'), 'import-corrupt', /not a valid .xlsx/);
  });

  it('a zip bomb: 64 MiB of zeros compressed a thousandfold is refused before inflating', async () => {
    const dir = await tempDir();
    const named = zipSync({
      'xl/workbook.xml': strToU8('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="vInfo" sheetId="1" r:id="rId1"/></sheets></workbook>'),
      'xl/_rels/workbook.xml.rels': strToU8('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
      'xl/worksheets/sheet1.xml': new Uint8Array(64 * 2 ** 20),
    });
    expect(named.length).toBeLessThan(2 ** 20);
    await writeFile(path.join(dir, 'bomb2.xlsx'), named);
    await expectRefused(path.join(dir, 'bomb2.xlsx'), 'import-too-large', /zip bomb/);
  });

  it('a workbook beyond the decompressed-size bound', () => {
    const xml = `<row r="1"><c r="A1" t="inlineStr"><is><t>VM</t></is></c></row>${'<row><c t="inlineStr"><is><t>x</t></is></c></row>'.repeat(5000)}`;
    const wb = rawWorkbook('vInfo', xml);
    let err: unknown;
    try {
      readXlsx(wb, 'big.xlsx', { limits: { maxUncompressedBytes: 100_000 } });
    } catch (e) {
      err = e;
    }
    expect(isWorkbenchError(err, 'import-too-large')).toBe(true);
  });

  it('more rows than the row bound', () => {
    const xml = `<row r="1"><c r="A1" t="inlineStr"><is><t>VM</t></is></c></row>${'<row><c t="inlineStr"><is><t>x</t></is></c></row>'.repeat(50)}`;
    expect(() => readXlsx(rawWorkbook('vInfo', xml), 'rows.xlsx', { limits: { maxRows: 10 } })).toThrow(/more than 10 rows/);
  });

  it('a 200 MB file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'huge.csv');
    const h = await open(file, 'w');
    await h.truncate(200 * 2 ** 20);
    await h.close();
    await expectRefused(file, 'import-too-large', /200 MiB/);
  });

  it('duplicated key headers', async () => {
    const dir = await tempDir();
    const file = await writeWorkbook(dir, 'dup.xlsx', { vInfo: [['VM', 'Powerstate', 'VM'], ['a', 'poweredOn', 'b']] });
    await expectRefused(file, 'import-duplicate-columns', /"VM" appears 2 times \(columns A, C\)/);
  });

  it('a missing key header', async () => {
    const dir = await tempDir();
    const file = await writeWorkbook(dir, 'nokey.xlsx', { vInfo: [['Name of VM', 'Powerstate', 'CPUs'], ['a', 'poweredOn', 2]] });
    await expectRefused(file, 'import-missing-columns', /no "VM" column/);
    await writeFile(path.join(dir, 'az.csv'), toCsv([['*Server name', '*Cores', '*OS name'], ['a', '1', 'x']]));
    await expectRefused(path.join(dir, 'az.csv'), 'import-missing-columns', /missing the column "\*Memory \(In MB\)"/);
  });

  it('formulas: the cached value is used and the report says so', async () => {
    const dir = await tempDir();
    const xml =
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>' +
      '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2"><f>1+1</f><v>2</v></c><c r="D2"><f>1024*4</f><v>4096</v></c></row>';
    await writeFile(path.join(dir, 'f.xlsx'), rawWorkbook('vInfo', xml, ['VM', 'Powerstate', 'CPUs', 'Memory', 'calc', 'poweredOn']));
    const { inventory, project } = makeInventory();
    const report = await inventory.import({ paths: [path.join(dir, 'f.xlsx')] });
    expect(project.document.inventory.servers[0]).toMatchObject({ name: 'calc', cpu: { vcpus: 2 }, memoryMiB: 4096 });
    expect(report.warnings).toContain('2 cells hold formulas; their last calculated values were used.');
  });

  it('an empty vInfo sheet', async () => {
    const dir = await tempDir();
    const file = await writeWorkbook(dir, 'empty.xlsx', { vInfo: [['VM', 'Powerstate']], vDisk: [] });
    await expectRefused(file, 'import-empty', /vInfo tab is empty/);
  });

  it('a workbook with no sheet data at all', async () => {
    const dir = await tempDir();
    const file = await writeWorkbook(dir, 'blank.xlsx', { Sheet1: [] });
    await expectRefused(file, 'import-empty', /not an inventory export .*Found: no data at all/);
  });

  it('a spreadsheet that is not an inventory', async () => {
    const dir = await tempDir();
    const file = await writeWorkbook(dir, 'budget.xlsx', { Budget: [['Month', 'Amount'], ['Jan', 100]] });
    const err = await expectRefused(file, 'import-unrecognized');
    expect(err.message).toContain('a workbook with 1 sheet ("Budget"); the first has 2 columns ("Month", "Amount")');
    expect(err.message).toContain('RVTools export');
  });

  it('a binary file and an old .xls', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'pic.csv'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 0, 0]));
    await expectRefused(path.join(dir, 'pic.csv'), 'import-unrecognized', /binary/);
    await writeFile(path.join(dir, 'old.xls'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    await expectRefused(path.join(dir, 'old.xls'), 'import-unrecognized', /save it as .xlsx/);
  });

  it('a JSON file cut short', async () => {
    const dir = await tempDir();
    const text = await readFile(sample('sms_get-servers_response.json'), 'utf8');
    await writeFile(path.join(dir, 'cut.json'), text.slice(0, 200));
    await expectRefused(path.join(dir, 'cut.json'), 'import-corrupt', /not valid JSON/);
  });

  it('rows that all lack a name: nothing read, every row reported', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'noname.csv'), toCsv([['server_name', 'server_os_family'], ['', 'linux'], ['', 'windows']]));
    const err = await expectRefused(path.join(dir, 'noname.csv'), 'import-nothing-read', /2 rows skipped/);
    expect((err as unknown as { details: { skipped: unknown[] } }).details.skipped).toHaveLength(2);
  });

  it('a missing file, a folder and a device say what they are', async () => {
    const dir = await tempDir();
    await expectRefused(path.join(dir, 'nope.xlsx'), 'not-found');
    await expectRefused(dir, 'import-unrecognized', /is a folder, not a regular file/);
    const err = await expectRefused('/dev/zero', 'import-unrecognized', /\/dev\/zero is a character device .*not a regular file/);
    expect(err.message).not.toMatch(/folder/);
  });
});

/** True when `message` repeats any run of `n` characters of `content` (a quoted line, a secret). */
function quotes(message: string, content: string, n = 12): string | null {
  const text = content.slice(0, 8192);
  for (let i = 0; i + n <= text.length; i++) {
    const run = text.slice(i, i + n);
    if (/[\p{C}]/u.test(run)) continue;
    if (message.includes(run)) return run;
  }
  return null;
}

describe('import errors never quote file contents at length', () => {
  const environ = ['MWB_TEST_TOKEN=tok-7f3a9c2e51b84d06a1e4c9b2', 'HOME=/home/consultant', 'PATH=/usr/local/bin:/usr/bin:/bin', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'].join('\0') + '\0';

  it.each([
    ['environ', environ, 12],
    ['environ with commas', `SHELL=/bin/bash\0LIST=a,b,c\0${environ}`, 12],
    ['passwd', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n', 12],
    // A real header row: a few names, each cut to 24 characters.
    ['a long header line', `${'Column with a very long name number '.repeat(1)}1,Second column that goes on and on and on,c,d,e,f,g,h,i,j\nx,y\n`, 24],
    ['an over-long field', `${'k'.repeat(500)},b,c\nx,y\n`, 12],
  ])('%s: the error says what was expected and what was found, in a few words', async (_what, content, n) => {
    const dir = await tempDir();
    const file = path.join(dir, 'input');
    await writeFile(file, content);
    const err = await expectRefused(file, 'import-unrecognized');
    expect(quotes(err.message, content, n)).toBeNull();
    expect(err.message).toMatch(/Expected: .*RVTools export.*Found: |is a binary file, not a CSV/);
    expect(err.message.length).toBeLessThan(400);
  });

  it('the process’s own environment (/proc/self/environ) and /etc/passwd', async () => {
    for (const file of ['/proc/self/environ', '/etc/passwd']) {
      const content = await readFile(file, 'latin1');
      const err = await expectRefused(file, 'import-unrecognized');
      expect(quotes(err.message, content), file).toBeNull();
      for (const v of Object.values(process.env)) if (v && v.length >= 8) expect(err.message).not.toContain(v);
    }
  });

  it('JSON that does not parse: the position, not the text', async () => {
    const dir = await tempDir();
    for (const [name, content] of [['a.json', 'hello there sk-live-0123456789abcdef'], ['b.json', '{"token": "sk-live-0123456789abcdef" oops}']] as const) {
      await writeFile(path.join(dir, name), content);
      const err = await expectRefused(path.join(dir, name), 'import-corrupt', /not valid JSON/);
      expect(quotes(err.message, content, 8)).toBeNull();
    }
  });

  it('a missing column: a few header names, each cut short', async () => {
    const dir = await tempDir();
    const long = 'x'.repeat(40);
    await writeFile(path.join(dir, 'az.csv'), toCsv([['*Server name', '*Cores', long, 'a', 'b', 'c', 'd'], ['a', '1', 'x', '', '', '', '']]));
    const err = await expectRefused(path.join(dir, 'az.csv'), 'import-missing-columns', /Found: 7 columns \("\*Server name", "\*Cores", "x{23}…", "a" and 3 more\)/);
    expect(err.message).not.toContain('x'.repeat(24));
  });
});
