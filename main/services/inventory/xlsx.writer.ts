import { strToU8, zipSync, type Zippable } from 'fflate';
import { columnLetter } from './table';

export type OutCell = string | number | boolean | null | undefined;
export interface OutSheet {
  name: string;
  rows: OutCell[][];
}

// eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters; drop them.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;')).replace(INVALID_XML, '');

/**
 * Minimal SpreadsheetML workbook (what Excel, LibreOffice and openpyxl open): one part per sheet,
 * strings shared (as Excel writes them) or inline. Text that starts with = + - @ is written as text,
 * never as a formula.
 */
export function writeXlsx(sheets: OutSheet[], opts: { sharedStrings?: boolean } = {}): Uint8Array {
  const shared = opts.sharedStrings ?? true;
  const sst = new Map<string, number>();
  const files: Zippable = {};
  const sheetXml = (rows: OutCell[][]) => {
    const parts: string[] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'];
    rows.forEach((row, r) => {
      let line = `<row r="${r + 1}">`;
      row.forEach((v, c) => {
        if (v === null || v === undefined || v === '') return;
        const ref = `${columnLetter(c)}${r + 1}`;
        if (typeof v === 'number' && Number.isFinite(v)) line += `<c r="${ref}"><v>${v}</v></c>`;
        else if (typeof v === 'boolean') line += `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
        else if (shared) {
          const s = String(v);
          let i = sst.get(s);
          if (i === undefined) sst.set(s, (i = sst.size));
          line += `<c r="${ref}" t="s"><v>${i}</v></c>`;
        } else line += `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(String(v))}</t></is></c>`;
      });
      parts.push(line + '</row>');
    });
    parts.push('</sheetData></worksheet>');
    return strToU8(parts.join(''));
  };
  sheets.forEach((s, i) => (files[`xl/worksheets/sheet${i + 1}.xml`] = sheetXml(s.rows)));
  const sheetList = sheets.map((s, i) => `<sheet name="${esc(s.name.slice(0, 31))}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  const rels = sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('');
  const n = sheets.length;
  files['[Content_Types].xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}${shared ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : ''}</Types>`,
  );
  files['_rels/.rels'] = strToU8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  );
  files['xl/workbook.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheetList}</sheets></workbook>`,
  );
  files['xl/_rels/workbook.xml.rels'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}${shared ? `<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` : ''}</Relationships>`,
  );
  if (shared) {
    const items: string[] = [];
    for (const s of sst.keys()) items.push(`<si><t xml:space="preserve">${esc(s)}</t></si>`);
    files['xl/sharedStrings.xml'] = strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${sst.size}" uniqueCount="${sst.size}">${items.join('')}</sst>`,
    );
  }
  return zipSync(files, { level: 6 });
}
