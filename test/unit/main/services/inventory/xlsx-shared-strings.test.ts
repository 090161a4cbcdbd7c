import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { readSharedStringsScan, readXlsx } from '../../../../../main/services/inventory/xlsx.reader';
import { DEFAULT_LIMITS } from '../../../../../main/services/inventory/limits';
import { zipEntries } from '../../../../../main/services/inventory/zip.reader';
import { rawWorkbook } from '../../../../helpers/inventory-fixtures';
import { MAIN_NS } from '../../../../helpers/xlsx-namespaces';

/*
 * The shared strings are read by a fast scan when the part's root alone binds the SpreadsheetML namespace, and by the
 * namespace-aware SAX parse otherwise. Both must give the same strings: each case below is read as written (scan) and
 * with a comment added after the root (which sends it to the SAX parse), and compared with what a reader must see.
 */

/** A workbook whose one sheet lists shared string i in row i + 2 (column A) next to i (column B). */
function workbook(sstXml: string, count: number): Uint8Array {
  let rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Value</t></is></c><c r="B1" t="inlineStr"><is><t>Index</t></is></c></row>';
  for (let i = 0; i < count; i++) rows += `<row r="${i + 2}"><c r="A${i + 2}" t="s"><v>${i}</v></c><c r="B${i + 2}"><v>${i}</v></c></row>`;
  const files = unzipSync(rawWorkbook('vInfo', rows));
  return zipSync({ ...files, 'xl/sharedStrings.xml': strToU8(sstXml) });
}

/** What the fast scan alone makes of the workbook's shared strings (null: it leaves them to the SAX parse). */
function scanned(bytes: Uint8Array): string[] | null {
  const [entry] = zipEntries(bytes, 'strings.xlsx', (n) => n === 'xl/sharedStrings.xml', DEFAULT_LIMITS);
  return readSharedStringsScan(entry!, 'strings.xlsx', DEFAULT_LIMITS);
}

function strings(bytes: Uint8Array, count: number): unknown[] {
  const [table] = readXlsx(bytes, 'strings.xlsx').tables;
  expect(table!.rows.map((r) => r[1])).toEqual(Array.from({ length: count }, (_, i) => i));
  // An empty string is an empty cell.
  return table!.rows.map((r) => r[0] ?? '');
}

/** Items (XML of each <si>'s content) and the strings a reader must get from them. */
const ITEMS: Array<[string, string]> = [
  ['<t>web-01</t>', 'web-01'],
  ['<t xml:space="preserve">  padded  </t>', '  padded  '],
  ['<t>Fish &amp; Chips &lt;b&gt; &quot;q&quot; &apos;a&apos; &#233;&#x4E2D;</t>', 'Fish & Chips <b> "q" \'a\' é中'],
  ['<t>line_x000D__x000A_break</t>', 'line\r\nbreak'],
  ['<r><rPr><b/></rPr><t>rich </t></r><r><t>text</t></r>', 'rich text'],
  ['<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/>', '東京'],
  ['<t/>', ''],
  ['', ''],
  ['<t>ünïcödé — 🙂</t>', 'ünïcödé — 🙂'],
];

/** Enough items (about 600 KiB) that items, tags and characters are cut at the 64 KiB pieces the part is inflated in. */
function manyItems(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; out.length < 6_000; i++) {
    const [xml, text] = ITEMS[i % ITEMS.length]!;
    const pad = 'x'.repeat(i % 97);
    out.push(xml.startsWith('<t>') && !xml.startsWith('<t>line') ? [xml.replace('<t>', `<t>${pad}`), pad + text] : [xml, text]);
  }
  return out;
}

function sst(items: Array<[string, string]>, prefix: string, opts: { afterRoot?: string } = {}): string {
  const q = prefix ? `${prefix}:` : '';
  const decl = prefix ? `xmlns:${prefix}="${MAIN_NS}"` : `xmlns="${MAIN_NS}"`;
  const body = items.map(([xml], i) => (xml === '' && i % 2 ? `<${q}si/>` : `<${q}si>${xml.replace(/<(\/?)(t|r|rPr|b|rPh|phoneticPr)\b/g, `<$1${q}$2`)}</${q}si>`)).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${q}sst ${decl} count="${items.length}" uniqueCount="${items.length}">${opts.afterRoot ?? ''}${body}</${q}sst>`;
}

describe('shared strings: the fast scan and the SAX parse read the same strings', () => {
  for (const prefix of ['', 'x']) {
    it(`${prefix ? 'x:-prefixed' : 'default namespace'}: runs, phonetic hints, entities, _x escapes, empty items, pieces cut anywhere`, () => {
      const items = manyItems();
      const expected = items.map(([, text]) => text);
      const plain = workbook(sst(items, prefix), items.length);
      expect(scanned(plain)).toEqual(expected);
      expect(strings(plain, items.length)).toEqual(expected);
      // A comment after the root: the scan leaves the part to the SAX parse, which reads the same strings.
      const commented = workbook(sst(items, prefix, { afterRoot: '<!-- generated -->' }), items.length);
      expect(scanned(commented)).toBeNull();
      expect(strings(commented, items.length)).toEqual(expected);
      // A namespace declared inside the part: the same.
      const declared = workbook(sst(items, prefix).replace(`<${prefix ? 'x:' : ''}si>`, `<${prefix ? 'x:' : ''}si xmlns:o="urn:other">`), items.length);
      expect(scanned(declared)).toBeNull();
      expect(strings(declared, items.length)).toEqual(expected);
    });
  }

  it('CDATA text is read (by the SAX parse)', () => {
    const xml = `<sst xmlns="${MAIN_NS}"><si><t><![CDATA[a < b & c]]></t></si><si><t>plain</t></si></sst>`;
    expect(strings(workbook(xml, 2), 2)).toEqual(['a < b & c', 'plain']);
  });

  it('a part cut short, or with an unbound prefix, is "damaged", never read as fewer strings', () => {
    const full = sst(ITEMS, '');
    for (const broken of [full.slice(0, full.length - 20), full.replace('<sst ', '<y:sst ').replace('</sst>', '</y:sst>')]) {
      let err: unknown;
      try {
        readXlsx(workbook(broken, ITEMS.length), 'strings.xlsx');
      } catch (e) {
        err = e;
      }
      expect(isWorkbenchError(err, 'import-corrupt')).toBe(true);
      expect((err as Error).message).toMatch(/sharedStrings\.xml is not well-formed XML/);
    }
    expect(scanned(workbook(full.slice(0, full.length - 20), ITEMS.length))).toBeNull();
  });

  it('a part whose root is not SpreadsheetML is "not understood"', () => {
    let err: unknown;
    try {
      readXlsx(workbook(`<sst xmlns="urn:not-spreadsheetml"><si><t>a</t></si></sst>`, 1), 'strings.xlsx');
    } catch (e) {
      err = e;
    }
    expect(isWorkbenchError(err, 'import-unrecognized')).toBe(true);
  });
});
