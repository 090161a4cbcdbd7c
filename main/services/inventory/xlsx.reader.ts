import { unzipSync, type UnzipFileInfo } from 'fflate';
import { WorkbenchError } from '../../common/model/errors';
import type { Cell, Table } from './table';
import { DEFAULT_LIMITS, type ImportLimits } from './limits';

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

function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
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

/**
 * Parses one worksheet's XML into a table: a forward scan over <row> and <c> elements (no DOM),
 * using each cell's `r` reference so that sparse rows land in the right column.
 */
export function parseSheetXml(xml: string, shared: string[], name: string, file: string, maxRows: number): Table {
  const start = xml.indexOf('<sheetData');
  const end = xml.lastIndexOf('</sheetData>');
  const body = start < 0 ? '' : xml.slice(start, end < 0 ? xml.length : end);
  const re = /<row\b([^>]*)>|<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
  let headers: string[] | null = null;
  const rows: Cell[][] = [];
  const rowNumbers: number[] = [];
  let current: Cell[] | null = null;
  let currentNo = 0;
  let nextRowNo = 1;
  let nextCol = 0;
  let formulaCells = 0;
  let nonEmpty = false;
  const flush = () => {
    if (!current || !nonEmpty) return;
    if (!headers) {
      headers = current.map((c) => (c === null ? '' : String(c).trim()));
    } else {
      rows.push(current);
      rowNumbers.push(currentNo);
      if (rows.length > maxRows) {
        throw new WorkbenchError('import-too-large', `${file}: sheet ${name} has more than ${maxRows.toLocaleString('en-US')} rows; split the export and import the parts.`);
      }
    }
  };
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    if (m[1] !== undefined) {
      flush();
      const r = attr(m[1], 'r');
      currentNo = r ? Number(r) : nextRowNo;
      nextRowNo = currentNo + 1;
      current = [];
      nextCol = 0;
      nonEmpty = false;
      if (m[1].endsWith('/')) {
        current = null;
      }
      continue;
    }
    if (!current) continue;
    const attrs = m[2]!;
    const inner = m[3];
    const ref = attr(attrs, 'r');
    const col = ref ? columnIndex(ref) : nextCol;
    nextCol = col + 1;
    if (inner === undefined || inner === '') continue;
    const t = attr(attrs, 't');
    if (inner.indexOf('<f') >= 0) formulaCells++;
    let value: Cell = null;
    if (t === 'inlineStr') {
      const is = /<is>([\s\S]*?)<\/is>/.exec(inner);
      value = is ? textRuns(is[1]!) : null;
    } else {
      const vs = inner.indexOf('<v>');
      if (vs < 0) continue;
      const raw = inner.slice(vs + 3, inner.indexOf('</v>', vs));
      if (t === 's') value = shared[Number(raw)] ?? null;
      else if (t === 'b') value = raw === '1' || raw === 'true';
      else if (t === 'str' || t === 'd') value = decodeXml(raw);
      else if (t === 'e') value = null;
      else {
        const n = Number(raw);
        value = Number.isFinite(n) ? n : decodeXml(raw);
      }
    }
    if (value === null || value === '') continue;
    while (current.length < col) current.push(null);
    current[col] = value;
    nonEmpty = true;
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
  limits?: Partial<ImportLimits>;
}

export interface XlsxWorkbook {
  sheetNames: string[];
  tables: Table[];
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5 || bytes[2] === 7);
}

/** Unzips only the entries `want` accepts, refusing entries that inflate beyond the limits. */
export function unzipBounded(bytes: Uint8Array, fileName: string, want: (name: string) => boolean, limits: ImportLimits): Record<string, Uint8Array> {
  if (!isZip(bytes)) {
    throw new WorkbenchError('import-corrupt', `${fileName} is not a valid .xlsx or .zip file (it does not start like a zip archive). It may be damaged or saved in another format.`);
  }
  let total = 0;
  let bomb: string | null = null;
  const filter = (f: UnzipFileInfo) => {
    if (!want(f.name)) return false;
    total += f.originalSize;
    if (f.originalSize > limits.maxUncompressedBytes || total > limits.maxUncompressedBytes) bomb = `it would expand to more than ${Math.round(limits.maxUncompressedBytes / 2 ** 20)} MiB`;
    else if (f.size > 0 && f.originalSize / f.size > limits.maxRatio && f.originalSize > 16 * 2 ** 20) bomb = `${f.name} is compressed ${Math.round(f.originalSize / f.size)}:1`;
    return bomb === null;
  };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter });
  } catch (err) {
    throw new WorkbenchError('import-corrupt', `${fileName} is damaged or truncated (${(err as Error).message}). Copy the file again from its source, or re-export it.`);
  }
  if (bomb) {
    throw new WorkbenchError('import-too-large', `${fileName} was refused: ${bomb}, which no real inventory export does (possible zip bomb).`);
  }
  return files;
}

/** Reads an .xlsx workbook's sheets into tables. */
export function readXlsx(bytes: Uint8Array, fileName: string, opts: XlsxReadOptions = {}): XlsxWorkbook {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  // First pass: only the workbook index, to know which sheet files to inflate.
  const index = unzipBounded(bytes, fileName, (n) => n === 'xl/workbook.xml' || n === 'xl/_rels/workbook.xml.rels', limits);
  const sheets = workbookSheets(index, fileName);
  const wanted = sheets.filter((s) => !opts.wantSheet || opts.wantSheet(s.name));
  const paths = new Set(wanted.map((s) => s.path));
  const files = unzipBounded(bytes, fileName, (n) => paths.has(n) || n === 'xl/sharedStrings.xml', limits);
  const shared = files['xl/sharedStrings.xml'] ? parseSharedStrings(utf8.decode(files['xl/sharedStrings.xml'])) : [];
  const tables: Table[] = [];
  for (const s of wanted) {
    const data = files[s.path];
    if (!data) throw new WorkbenchError('import-corrupt', `${fileName}: the workbook lists sheet ${s.name} but its data (${s.path}) is missing; the file is damaged.`);
    tables.push(parseSheetXml(utf8.decode(data), shared, s.name, fileName, limits.maxRows));
  }
  return { sheetNames: sheets.map((s) => s.name), tables };
}
