import { WorkbenchError } from '../../common/model/errors';
import type { Cell, Table } from './table';
import { DEFAULT_LIMITS, type ImportLimits } from './limits';
import { unzipBounded } from './zip.reader';
import { yieldToCancel } from './importer';

const utf8 = new TextDecoder('utf-8');

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXml(s: string): string {
  if (s.indexOf('&') < 0 && s.indexOf('_x') < 0) return s;
  return s
    .replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      return ENTITY[e] ?? _m;
    })
    // Excel escapes control characters as _xHHHH_ in text.
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Concatenates the <t> runs of a string item (rich text), leaving out phonetic hints. */
function textRuns(xml: string): string {
  if (xml.startsWith('<t>') && xml.endsWith('</t>') && xml.indexOf('<', 3) === xml.length - 4) return decodeXml(xml.slice(3, -4));
  const clean = xml.indexOf('<rPh') >= 0 ? xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : xml;
  let out = '';
  const re = /<t(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/t>)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(clean))) out += m[1] ?? '';
  return decodeXml(out);
}

function parseSharedStrings(xml: string): string[] {
  const out: string[] = [];
  const re = /<si>([\s\S]*?)<\/si>|<si\/>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) out.push(m[1] === undefined ? '' : textRuns(m[1]));
  return out;
}

function attr(tag: string, name: string): string | undefined {
  const key = ` ${name}="`;
  const i = tag.indexOf(key);
  if (i < 0) return undefined;
  const j = tag.indexOf('"', i + key.length);
  return tag.slice(i + key.length, j);
}

interface SheetRef {
  name: string;
  path: string;
}

function workbookSheets(files: Record<string, Uint8Array>, fileName: string): SheetRef[] {
  const wb = files['xl/workbook.xml'];
  const rels = files['xl/_rels/workbook.xml.rels'];
  if (!wb || !rels) {
    throw new WorkbenchError('import-corrupt', `${fileName} is a zip file but not an Excel workbook (no xl/workbook.xml). Save it from Excel as .xlsx and import again.`);
  }
  const relXml = utf8.decode(rels);
  const targets = new Map<string, string>();
  for (const m of relXml.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`);
  }
  const out: SheetRef[] = [];
  for (const m of utf8.decode(wb).matchAll(/<sheet\b[^>]*>/g)) {
    const name = attr(m[0], 'name');
    const rid = attr(m[0], 'r:id') ?? /\bid="([^"]+)"/.exec(m[0])?.[1];
    const target = rid ? targets.get(rid) : undefined;
    if (name && target) out.push({ name: decodeXml(name), path: target });
  }
  return out;
}

/** Value of attribute `name` inside the tag spanning [from, to), or undefined. */
function attrIn(xml: string, from: number, to: number, key: string): string | undefined {
  const i = xml.indexOf(key, from);
  if (i < 0 || i >= to) return undefined;
  const start = i + key.length;
  return xml.slice(start, xml.indexOf('"', start));
}

/**
 * Parses one worksheet's XML into a table: a forward scan with indexOf over <row> and <c>
 * elements (no DOM, no regex per cell, few temporary strings), using each cell's `r`
 * reference so that sparse rows land in the right column.
 */
export function parseSheetXml(xml: string, shared: string[], name: string, file: string, maxRows: number, keepColumn?: (header: string) => boolean): Table {
  const start = xml.indexOf('<sheetData');
  let end = xml.lastIndexOf('</sheetData>');
  if (end < 0) end = xml.length;
  let headers: string[] | null = null;
  const rows: Cell[][] = [];
  const rowNumbers: number[] = [];
  let current: Cell[] | null = null;
  let currentNo = 0;
  let nextRowNo = 1;
  let nextCol = 0;
  let formulaCells = 0;
  let nonEmpty = false;
  // Columns the caller will never read are skipped once the header row is known.
  let keep: boolean[] | null = null;
  const flush = () => {
    if (!current || !nonEmpty) return;
    if (!headers) {
      headers = Array.from(current, (c) => (c === null || c === undefined ? '' : String(c).trim()));
      if (keepColumn) keep = headers.map((h) => keepColumn(h));
    } else {
      rows.push(current);
      rowNumbers.push(currentNo);
      if (rows.length > maxRows) {
        throw new WorkbenchError('import-too-large', `${file}: sheet ${name} has more than ${maxRows.toLocaleString('en-US')} rows; split the export and import the parts.`);
      }
    }
  };
  let pos = start < 0 ? end : xml.indexOf('<', start + 10);
  while (pos >= 0 && pos < end) {
    const c1 = xml.charCodeAt(pos + 1);
    if (c1 === 114 /* r */ && xml.startsWith('<row', pos) && (xml.charCodeAt(pos + 4) === 32 || xml.charCodeAt(pos + 4) === 62 || xml.charCodeAt(pos + 4) === 47)) {
      flush();
      const tagEnd = xml.indexOf('>', pos);
      const r = attrIn(xml, pos, tagEnd, ' r="');
      currentNo = r ? Number(r) : nextRowNo;
      nextRowNo = currentNo + 1;
      nextCol = 0;
      nonEmpty = false;
      current = xml.charCodeAt(tagEnd - 1) === 47 ? null : [];
      pos = xml.indexOf('<', tagEnd);
      continue;
    }
    if (c1 === 99 /* c */ && (xml.charCodeAt(pos + 2) === 32 || xml.charCodeAt(pos + 2) === 62 || xml.charCodeAt(pos + 2) === 47)) {
      const tagEnd = xml.indexOf('>', pos);
      const selfClosing = xml.charCodeAt(tagEnd - 1) === 47;
      // Every lookup stays inside this cell: an unbounded indexOf would rescan the sheet per cell.
      const tag = xml.slice(pos, tagEnd);
      let col = nextCol;
      const ri = tag.indexOf(' r="');
      if (ri >= 0) {
        let n = 0;
        for (let k = ri + 4; k < tag.length; k++) {
          const ch = tag.charCodeAt(k);
          if (ch < 65 || ch > 90) break;
          n = n * 26 + (ch - 64);
        }
        col = n - 1;
      }
      nextCol = col + 1;
      if (selfClosing) {
        pos = xml.indexOf('<', tagEnd);
        continue;
      }
      const cellEnd = xml.indexOf('</c>', tagEnd);
      if (cellEnd < 0) break;
      if (keep && keep[col] !== true) {
        pos = xml.indexOf('<', cellEnd + 4);
        continue;
      }
      const inner = xml.slice(tagEnd + 1, cellEnd);
      const ti = tag.indexOf(' t="');
      const t = ti >= 0 ? tag.slice(ti + 4, tag.indexOf('"', ti + 4)) : undefined;
      let value: Cell = null;
      if (inner.startsWith('<f')) formulaCells++;
      if (t === 'inlineStr') {
        const is = inner.indexOf('<is>');
        value = is >= 0 ? textRuns(inner.slice(is + 4, inner.indexOf('</is>', is))) : null;
      } else {
        const vs = inner.indexOf('<v>');
        if (vs >= 0) {
          const ve = inner.indexOf('</v>', vs);
          if (t === 's') {
            let n = 0;
            for (let k = vs + 3; k < ve; k++) n = n * 10 + (inner.charCodeAt(k) - 48);
            value = shared[n] ?? null;
          } else {
            const raw = inner.slice(vs + 3, ve);
            if (t === 'b') value = raw === '1' || raw === 'true';
            else if (t === 'str' || t === 'd') value = decodeXml(raw);
            else if (t === 'e') value = null;
            else {
              const n = Number(raw);
              value = Number.isFinite(n) ? n : decodeXml(raw);
            }
          }
        }
      }
      if (current && value !== null && value !== '') {
        while (current.length < col) current.push(null);
        current[col] = value;
        nonEmpty = true;
      }
      pos = xml.indexOf('<', cellEnd + 4);
      continue;
    }
    pos = xml.indexOf('<', pos + 1);
  }
  flush();
  const hdr: string[] = headers ?? [];
  // Pad short rows so every row has a slot per header.
  for (const row of rows) while (row.length < hdr.length) row.push(null);
  return { name, file, headers: hdr, rows, rowNumbers, formulaCells };
}

export interface XlsxReadOptions {
  /** Which sheets to parse (by name); the others are listed but not read. */
  wantSheet?: (name: string) => boolean;
  /** Per sheet, which header columns to keep (the others are skipped while parsing). */
  keepColumn?: (sheet: string) => ((header: string) => boolean) | undefined;
  limits?: Partial<ImportLimits>;
}

export interface XlsxWorkbook {
  sheetNames: string[];
  tables: Table[];
}

/** Opens a workbook: sheet list, the wanted sheets' XML inflated, shared strings parsed. */
function openXlsx(bytes: Uint8Array, fileName: string, opts: XlsxReadOptions) {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  // First pass: only the workbook index, to know which sheet files to inflate.
  const index = unzipBounded(bytes, fileName, (n) => n === 'xl/workbook.xml' || n === 'xl/_rels/workbook.xml.rels', limits);
  const sheets = workbookSheets(index, fileName);
  const wanted = sheets.filter((s) => !opts.wantSheet || opts.wantSheet(s.name));
  const paths = new Set(wanted.map((s) => s.path));
  const files = unzipBounded(bytes, fileName, (n) => paths.has(n) || n === 'xl/sharedStrings.xml', limits);
  const shared = files['xl/sharedStrings.xml'] ? parseSharedStrings(utf8.decode(files['xl/sharedStrings.xml'])) : [];
  const parse = (s: SheetRef): Table => {
    const data = files[s.path];
    if (!data) throw new WorkbenchError('import-corrupt', `${fileName}: the workbook lists sheet ${s.name} but its data (${s.path}) is missing; the file is damaged.`);
    const table = parseSheetXml(utf8.decode(data), shared, s.name, fileName, limits.maxRows, opts.keepColumn?.(s.name));
    delete files[s.path];
    return table;
  };
  return { sheetNames: sheets.map((s) => s.name), wanted, parse };
}

/** Reads an .xlsx workbook's sheets into tables. */
export function readXlsx(bytes: Uint8Array, fileName: string, opts: XlsxReadOptions = {}): XlsxWorkbook {
  const wb = openXlsx(bytes, fileName, opts);
  return { sheetNames: wb.sheetNames, tables: wb.wanted.map(wb.parse) };
}

/** Same as readXlsx, yielding to the event loop between sheets (progress, cancel). */
export async function readXlsxAsync(bytes: Uint8Array, fileName: string, opts: XlsxReadOptions & { signal?: AbortSignal; onSheet?(name: string, index: number, count: number): void } = {}): Promise<XlsxWorkbook> {
  const wb = openXlsx(bytes, fileName, opts);
  const tables: Table[] = [];
  for (const [i, s] of wb.wanted.entries()) {
    opts.onSheet?.(s.name, i, wb.wanted.length);
    await yieldToCancel(opts.signal);
    tables.push(wb.parse(s));
  }
  return { sheetNames: wb.sheetNames, tables };
}
