import { SaxesParser, type SaxesTagNS } from 'saxes';
import { WorkbenchError } from '../../common/model/errors';
import type { Cell, Table } from './table';
import { excerpt } from './table';
import { DEFAULT_LIMITS, type ImportLimits } from './limits';
import { inflateEntry, inflateEntryStream, zipEntries, type ZipEntry } from './zip.reader';
import { yieldToCancel } from './importer';

/**
 * Namespaces are matched by URI, never by prefix: Excel writes `<sheetData>` under a default
 * namespace, .NET's packaging (RVTools itself) writes `<x:sheetData>`, and either is valid.
 * Transitional (ECMA-376) and Strict (ISO 29500) URIs are both accepted.
 */
const NS_MAIN = new Set(['http://schemas.openxmlformats.org/spreadsheetml/2006/main', 'http://purl.oclc.org/ooxml/spreadsheetml/main']);
const NS_DOC_REL = new Set(['http://schemas.openxmlformats.org/officeDocument/2006/relationships', 'http://purl.oclc.org/ooxml/officeDocument/relationships']);
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

const utf8 = new TextDecoder('utf-8');

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Excel escapes control characters as _xHHHH_ in text. */
function unescapeExcel(s: string): string {
  return s.indexOf('_x') < 0 ? s : s.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export function decodeXml(s: string): string {
  if (s.indexOf('&') < 0 && s.indexOf('_x') < 0) return s;
  return unescapeExcel(
    s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      return ENTITY[e] ?? _m;
    }),
  );
}

function notUnderstood(fileName: string, part: string, what: string): WorkbenchError {
  return new WorkbenchError(
    'import-unrecognized',
    `${fileName}: the workbook part ${excerpt(part, 60)} is not SpreadsheetML the reader understands (${what}); nothing was read from it. Open the file in Excel and save it as .xlsx, then import that.`,
  );
}

function xmlError(fileName: string, part: string, err: Error): WorkbenchError {
  return new WorkbenchError('import-corrupt', `${fileName}: the workbook part ${excerpt(part, 60)} is not well-formed XML (${excerpt(err.message.replace(/^[^:]*:\d+:\d+: /, ''), 80)}). The file is damaged; export it again.`);
}

/** A namespace-aware SAX parser whose errors become a typed "damaged" error naming the part. */
function saxes(fileName: string, part: string): SaxesParser<{ xmlns: true }> {
  const p = new SaxesParser({ xmlns: true });
  p.on('error', (err) => {
    throw xmlError(fileName, part, err);
  });
  return p;
}

const attrValue = (tag: SaxesTagNS, local: string, uris?: Set<string>): string | undefined => {
  for (const a of Object.values(tag.attributes)) if (a.local === local && (uris ? uris.has(a.uri) : a.uri === '')) return a.value;
  return undefined;
};

interface Relationship {
  type: string;
  target: string;
}

/** Resolves a relationship target against the folder of the part that owns it (`xl/`, ``). */
function resolvePart(baseDir: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : baseDir + target).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

function partDir(part: string): string {
  const i = part.lastIndexOf('/');
  return i < 0 ? '' : part.slice(0, i + 1);
}

function relsPathOf(part: string): string {
  return `${partDir(part)}_rels/${part.slice(partDir(part).length)}.rels`;
}

/** A relationships part: id → type (last URI segment: `officeDocument`, `worksheet`, `sharedStrings`) and resolved target. */
function parseRels(xml: string, owner: string, fileName: string, part: string): Map<string, Relationship> {
  const rels = new Map<string, Relationship>();
  const p = saxes(fileName, part);
  const base = partDir(owner);
  p.on('opentag', (tag) => {
    if (tag.uri !== NS_PKG_REL || tag.local !== 'Relationship') return;
    if (attrValue(tag, 'TargetMode') === 'External') return;
    const id = attrValue(tag, 'Id');
    const type = attrValue(tag, 'Type');
    const target = attrValue(tag, 'Target');
    if (id && type && target) rels.set(id, { type: type.replace(/^.*\//, ''), target: resolvePart(base, target) });
  });
  p.write(xml).close();
  return rels;
}

interface SheetRef {
  name: string;
  path: string;
}

interface Package {
  sheets: SheetRef[];
  sharedStrings: string | undefined;
  /** The entries of these parts, listed in one pass so that their total is bounded together. */
  entries(parts: Set<string>): Map<string, ZipEntry>;
}

/**
 * Finds the workbook through the package relationships (`_rels/.rels`, type officeDocument; any
 * part name, any prefix), then its sheets and shared strings through the workbook's own relationships.
 */
function openPackage(bytes: Uint8Array, fileName: string, limits: ImportLimits): Package {
  const names = new Set<string>();
  zipEntries(bytes, fileName, (n) => (names.add(n), false), limits);
  const entries = (parts: Set<string>) => new Map(zipEntries(bytes, fileName, (n) => parts.has(n), limits).map((e) => [e.name, e]));
  const read = (part: string) => {
    const e = names.has(part) ? entries(new Set([part])).get(part) : undefined;
    return e ? utf8.decode(inflateEntry(e, fileName)) : undefined;
  };
  const rootRels = read('_rels/.rels');
  let workbook: string | undefined;
  if (rootRels) workbook = [...parseRels(rootRels, '', fileName, '_rels/.rels').values()].find((r) => r.type === 'officeDocument')?.target;
  workbook ??= names.has('xl/workbook.xml') ? 'xl/workbook.xml' : undefined;
  const wbXml = workbook ? read(workbook) : undefined;
  if (!workbook || wbXml === undefined) {
    throw new WorkbenchError('import-corrupt', `${fileName} is a zip file but not an Excel workbook (no workbook part). Save it from Excel as .xlsx and import again.`);
  }
  const relsXml = read(relsPathOf(workbook));
  const rels = relsXml ? parseRels(relsXml, workbook, fileName, relsPathOf(workbook)) : new Map<string, Relationship>();
  const sheets: SheetRef[] = [];
  let root: SaxesTagNS | null = null;
  const p = saxes(fileName, workbook);
  p.on('opentag', (tag) => {
    root ??= tag;
    if (tag.local !== 'sheet' || !NS_MAIN.has(tag.uri)) return;
    const name = attrValue(tag, 'name');
    const rid = attrValue(tag, 'id', NS_DOC_REL);
    const rel = rid ? rels.get(rid) : undefined;
    if (name && rel) sheets.push({ name, path: rel.target });
  });
  p.write(wbXml).close();
  const top = root as SaxesTagNS | null;
  if (!top || top.local !== 'workbook' || !NS_MAIN.has(top.uri)) {
    throw notUnderstood(fileName, workbook, top ? `its root element <${excerpt(top.local, 30)}> is in namespace "${excerpt(top.uri || 'none', 70)}"` : 'no root element');
  }
  if (sheets.length === 0) throw new WorkbenchError('import-corrupt', `${fileName}: the workbook lists no sheets (or none its relationships can find); the file is damaged.`);
  const ss = [...rels.values()].find((r) => r.type === 'sharedStrings')?.target ?? (names.has('xl/sharedStrings.xml') ? 'xl/sharedStrings.xml' : undefined);
  return { sheets, sharedStrings: ss && names.has(ss) ? ss : undefined, entries };
}

function sharedStringsTooLarge(fileName: string, limits: ImportLimits, count: number): WorkbenchError {
  return new WorkbenchError(
    'import-too-large',
    `${fileName} was refused: its shared strings need more than ${Math.round(limits.maxSharedStringsBytes / 2 ** 20)} MiB of memory (${count.toLocaleString('en-US')} strings read so far), which no real inventory export does (possible decompression bomb).`,
  );
}

/**
 * Shared strings, streamed: the part is inflated 64 KiB at a time and only the strings are kept, so
 * memory follows what the strings need, not the inflated XML. The strings kept are bounded
 * (`maxSharedStringsBytes`, counting ~32 bytes of bookkeeping per string): past it the import stops
 * at once with a typed error instead of exhausting memory. The fast scan reads them when it can
 * (see `readSharedStringsScan`), the namespace-aware SAX parse otherwise.
 */
function readSharedStrings(entry: ZipEntry, fileName: string, limits: ImportLimits): string[] {
  return readSharedStringsScan(entry, fileName, limits) ?? readSharedStringsSax(entry, fileName, limits);
}

/** Bytes of the part read while looking for its root element before the fast scan gives up on it. */
const ROOT_SNIFF_LIMIT = 2 ** 20;

/**
 * The shared strings by a forward scan, as `parseSheetXml` reads sheets: the root element is parsed
 * namespace-aware (a SpreadsheetML `<sst>`, else "not understood"; an unbound prefix is "not well-formed"), then
 * each `<si>` item, with the prefix the root binds, is cut out with indexOf and its `<t>` runs joined (phonetic
 * `<rPh>` runs left out). Returns null, for the full SAX parse, when anything after the root declares a namespace or
 * is a comment, CDATA section or processing instruction, or when the part does not end with `</sst>`: the scan
 * interprets none of those (and so never reads a malformed part differently from the SAX parse).
 */
export function readSharedStringsScan(entry: ZipEntry, fileName: string, limits: ImportLimits): string[] | null {
  const part = entry.name;
  const out: string[] = [];
  let kept = 0;
  let root: SaxesTagNS | null = null;
  const sniff = saxes(fileName, part);
  sniff.on('opentag', (tag) => {
    root ??= tag;
  });
  let head = '';
  let tg: SheetTags | null = null;
  let siOpen = '';
  let siEnd = '';
  let sstEnd = '';
  let carry = '';
  let giveUp = false;
  const scan = () => {
    if (carry.indexOf('xmlns') >= 0 || carry.indexOf('<!') >= 0 || carry.indexOf('<?') >= 0) {
      giveUp = true;
      return;
    }
    let pos = 0;
    for (;;) {
      const open = carry.indexOf(siOpen, pos);
      if (open < 0) break;
      const after = carry.charCodeAt(open + siOpen.length);
      if (Number.isNaN(after)) break; // the tag is cut at the end of this piece
      if (after !== 62 && after !== 47 && after !== 32 && after !== 9 && after !== 10 && after !== 13) {
        pos = open + siOpen.length; // another element whose name starts with "si"
        continue;
      }
      const tagEnd = carry.indexOf('>', open);
      if (tagEnd < 0) break;
      let s = '';
      let next = tagEnd + 1;
      if (carry.charCodeAt(tagEnd - 1) !== 47) {
        const close = carry.indexOf(siEnd, tagEnd);
        if (close < 0) break;
        s = textRuns(carry.slice(tagEnd + 1, close), tg!);
        next = close + siEnd.length;
      }
      out.push(s);
      kept += s.length * 2 + 32;
      if (kept > limits.maxSharedStringsBytes) throw sharedStringsTooLarge(fileName, limits, out.length);
      pos = next;
    }
    carry = carry.slice(pos);
    // One item that never ends is bounded like the strings it would become.
    if (carry.length * 2 > limits.maxSharedStringsBytes) throw sharedStringsTooLarge(fileName, limits, out.length);
  };
  const onText = (text: string) => {
    if (giveUp) return;
    if (tg) {
      carry += text;
      scan();
      return;
    }
    head += text;
    sniff.write(text);
    const top = root as SaxesTagNS | null;
    if (!top) {
      if (head.length > ROOT_SNIFF_LIMIT) giveUp = true;
      return;
    }
    if (top.local !== 'sst' || !NS_MAIN.has(top.uri)) throw notUnderstood(fileName, part, `its root element <${excerpt(top.local, 30)}> is in namespace "${excerpt(top.uri || 'none', 70)}"`);
    const bound = Object.entries(top.ns ?? {}).filter(([, uri]) => NS_MAIN.has(uri));
    const rootAt = head.indexOf(`<${top.name}`);
    const rootEnd = rootAt < 0 ? -1 : head.indexOf('>', rootAt);
    if (bound.length !== 1 || bound[0]![0] !== top.prefix || rootEnd < 0 || top.isSelfClosing) {
      giveUp = true;
      return;
    }
    tg = sheetTags(top.prefix);
    siOpen = `<${tg.pre}si`;
    siEnd = `</${tg.pre}si>`;
    sstEnd = `</${tg.pre}sst>`;
    carry = head.slice(rootEnd + 1);
    head = '';
    scan();
  };
  const decoder = new TextDecoder('utf-8');
  inflateEntryStream(entry, fileName, (chunk) => onText(decoder.decode(chunk, { stream: true })));
  onText(decoder.decode());
  if (giveUp || !tg || carry.trim() !== sstEnd) return null;
  return out;
}

/** The shared strings by the namespace-aware SAX parse (any prefixes and declarations, comments, CDATA). */
function readSharedStringsSax(entry: ZipEntry, fileName: string, limits: ImportLimits): string[] {
  const part = entry.name;
  const out: string[] = [];
  let kept = 0;
  let root: SaxesTagNS | null = null;
  let inSi = false;
  let depthPh = 0;
  let inT = false;
  let text = '';
  const p = saxes(fileName, part);
  p.on('opentag', (tag) => {
    if (!root) {
      root = tag;
      if (tag.local !== 'sst' || !NS_MAIN.has(tag.uri)) throw notUnderstood(fileName, part, `its root element <${excerpt(tag.local, 30)}> is in namespace "${excerpt(tag.uri || 'none', 70)}"`);
      return;
    }
    if (!NS_MAIN.has(tag.uri)) return;
    if (tag.local === 'si') {
      inSi = true;
      text = '';
    } else if (tag.local === 'rPh') depthPh++;
    else if (tag.local === 't' && inSi && depthPh === 0) inT = true;
  });
  p.on('text', (t) => {
    if (inT) text += t;
  });
  p.on('cdata', (t) => {
    if (inT) text += t;
  });
  p.on('closetag', (tag) => {
    if (!NS_MAIN.has(tag.uri)) return;
    if (tag.local === 't') inT = false;
    else if (tag.local === 'rPh') depthPh--;
    else if (tag.local === 'si') {
      inSi = false;
      const s = unescapeExcel(text);
      out.push(s);
      kept += s.length * 2 + 32;
      if (kept > limits.maxSharedStringsBytes) throw sharedStringsTooLarge(fileName, limits, out.length);
    }
  });
  const decoder = new TextDecoder('utf-8');
  inflateEntryStream(entry, fileName, (chunk) => p.write(decoder.decode(chunk, { stream: true })));
  p.write(decoder.decode()).close();
  if (!root) throw notUnderstood(fileName, part, 'no root element');
  return out;
}

/** Element names of one sheet, with the prefix its root binds to the SpreadsheetML namespace. */
interface SheetTags {
  pre: string;
  sheetData: string;
  sheetDataEnd: string;
  row: string;
  cEnd: string;
  f: string;
  is: string;
  isEnd: string;
  v: string;
  vEnd: string;
  t: string;
  tEnd: string;
  rPh: RegExp;
  tRun: RegExp;
}

const tagsCache = new Map<string, SheetTags>();
function sheetTags(prefix: string): SheetTags {
  let t = tagsCache.get(prefix);
  if (!t) {
    const q = prefix ? `${prefix}:` : '';
    const esc = q.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
    t = {
      pre: q,
      sheetData: `<${q}sheetData`,
      sheetDataEnd: `</${q}sheetData>`,
      row: `${q}row`,
      cEnd: `</${q}c>`,
      f: `<${q}f`,
      is: `<${q}is>`,
      isEnd: `</${q}is>`,
      v: `<${q}v>`,
      vEnd: `</${q}v>`,
      t: `<${q}t>`,
      tEnd: `</${q}t>`,
      rPh: new RegExp(`<${esc}rPh\\b[\\s\\S]*?</${esc}rPh>`, 'g'),
      tRun: new RegExp(`<${esc}t(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${esc}t>)`, 'g'),
    };
    tagsCache.set(prefix, t);
  }
  return t;
}

/** Concatenates the <t> runs of a string item (rich text), leaving out phonetic hints. */
function textRuns(xml: string, tg: SheetTags): string {
  if (xml.startsWith(tg.t) && xml.endsWith(tg.tEnd) && xml.indexOf('<', tg.t.length) === xml.length - tg.tEnd.length) return decodeXml(xml.slice(tg.t.length, -tg.tEnd.length));
  const clean = xml.indexOf(`<${tg.pre}rPh`) >= 0 ? xml.replace(tg.rPh, '') : xml;
  let out = '';
  tg.tRun.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = tg.tRun.exec(clean))) out += m[1] ?? '';
  return decodeXml(out);
}

/** Value of attribute `name` inside the tag spanning [from, to), or undefined. */
function attrIn(xml: string, from: number, to: number, key: string): string | undefined {
  const i = xml.indexOf(key, from);
  if (i < 0 || i >= to) return undefined;
  const start = i + key.length;
  return xml.slice(start, xml.indexOf('"', start));
}

/** Column index (0-based) of an A1 reference, or -1. */
function refColumn(ref: string | undefined): number {
  if (!ref) return -1;
  let n = 0;
  for (let k = 0; k < ref.length; k++) {
    const ch = ref.charCodeAt(k);
    if (ch < 65 || ch > 90) break;
    n = n * 26 + (ch - 64);
  }
  return n - 1;
}

/** A cell's value from its type attribute and raw `<v>` text (already entity-decoded when `decoded`). */
function cellValue(t: string | undefined, raw: string, shared: string[], decoded: boolean): Cell {
  if (t === 's') return shared[Number(raw)] ?? null;
  if (t === 'b') return raw === '1' || raw === 'true';
  if (t === 'e') return null;
  if (t === 'str' || t === 'd') return decoded ? unescapeExcel(raw) : decodeXml(raw);
  const n = Number(raw);
  return Number.isFinite(n) && raw.trim() !== '' ? n : decoded ? unescapeExcel(raw) : decodeXml(raw);
}

/** Collects rows into a table: the first non-empty row is the header; columns the caller will never read are dropped. */
class TableBuilder {
  headers: string[] | null = null;
  rows: Cell[][] = [];
  rowNumbers: number[] = [];
  formulaCells = 0;
  keep: boolean[] | null = null;
  constructor(
    readonly name: string,
    readonly file: string,
    readonly maxRows: number,
    readonly keepColumn?: (header: string) => boolean,
  ) {}
  /** True when column `col` of a data row is skipped (known once the header row is read). */
  skips(col: number): boolean {
    return this.keep !== null && this.keep[col] !== true;
  }
  add(row: Cell[] | null, rowNo: number, nonEmpty: boolean): void {
    if (!row || !nonEmpty) return;
    if (!this.headers) {
      this.headers = Array.from(row, (c) => (c === null || c === undefined ? '' : String(c).trim()));
      if (this.keepColumn) this.keep = this.headers.map((h) => this.keepColumn!(h));
      return;
    }
    this.rows.push(row);
    this.rowNumbers.push(rowNo);
    if (this.rows.length > this.maxRows) {
      throw new WorkbenchError('import-too-large', `${this.file}: sheet ${this.name} has more than ${this.maxRows.toLocaleString('en-US')} rows; split the export and import the parts.`);
    }
  }
  table(): Table {
    const hdr = this.headers ?? [];
    for (const row of this.rows) while (row.length < hdr.length) row.push(null);
    return { name: this.name, file: this.file, headers: hdr, rows: this.rows, rowNumbers: this.rowNumbers, formulaCells: this.formulaCells };
  }
}

/**
 * Parses one worksheet's XML into a table: a forward scan with indexOf over <row> and <c>
 * elements (no DOM, no regex per cell, few temporary strings), using each cell's `r`
 * reference so that sparse rows land in the right column. `prefix` is the one the sheet's
 * root binds to the SpreadsheetML namespace (`parseSheet` finds it and falls back to a full
 * namespace-aware parse when the sheet declares namespaces anywhere else).
 */
export function parseSheetXml(xml: string, shared: string[], name: string, file: string, maxRows: number, keepColumn?: (header: string) => boolean, prefix = ''): Table {
  const tg = sheetTags(prefix);
  const pl = tg.pre.length;
  const b = new TableBuilder(name, file, maxRows, keepColumn);
  const start = xml.indexOf(tg.sheetData);
  let end = xml.lastIndexOf(tg.sheetDataEnd);
  if (end < 0) end = xml.length;
  let current: Cell[] | null = null;
  let currentNo = 0;
  let nextRowNo = 1;
  let nextCol = 0;
  let nonEmpty = false;
  let pos = start < 0 ? end : xml.indexOf('<', start + tg.sheetData.length);
  while (pos >= 0 && pos < end) {
    if (pl > 0 && !xml.startsWith(tg.pre, pos + 1)) {
      pos = xml.indexOf('<', pos + 1);
      continue;
    }
    const n = pos + 1 + pl;
    const c1 = xml.charCodeAt(n);
    if (c1 === 114 /* r */ && xml.startsWith(tg.row, pos + 1) && (xml.charCodeAt(n + 3) === 32 || xml.charCodeAt(n + 3) === 62 || xml.charCodeAt(n + 3) === 47)) {
      b.add(current, currentNo, nonEmpty);
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
    if (c1 === 99 /* c */ && (xml.charCodeAt(n + 1) === 32 || xml.charCodeAt(n + 1) === 62 || xml.charCodeAt(n + 1) === 47)) {
      const tagEnd = xml.indexOf('>', pos);
      const selfClosing = xml.charCodeAt(tagEnd - 1) === 47;
      // Every lookup stays inside this cell: an unbounded indexOf would rescan the sheet per cell.
      const tag = xml.slice(pos, tagEnd);
      const ri = tag.indexOf(' r="');
      const col = ri >= 0 ? refColumn(tag.slice(ri + 4, ri + 12)) : nextCol;
      nextCol = col + 1;
      if (selfClosing) {
        pos = xml.indexOf('<', tagEnd);
        continue;
      }
      const cellEnd = xml.indexOf(tg.cEnd, tagEnd);
      if (cellEnd < 0) break;
      if (b.skips(col)) {
        pos = xml.indexOf('<', cellEnd + tg.cEnd.length);
        continue;
      }
      const inner = xml.slice(tagEnd + 1, cellEnd);
      const ti = tag.indexOf(' t="');
      const t = ti >= 0 ? tag.slice(ti + 4, tag.indexOf('"', ti + 4)) : undefined;
      let value: Cell = null;
      if (inner.startsWith(tg.f)) b.formulaCells++;
      if (t === 'inlineStr') {
        const is = inner.indexOf(tg.is);
        value = is >= 0 ? textRuns(inner.slice(is + tg.is.length, inner.indexOf(tg.isEnd, is)), tg) : null;
      } else {
        const vs = inner.indexOf(tg.v);
        if (vs >= 0) {
          const ve = inner.indexOf(tg.vEnd, vs);
          if (t === 's') {
            let k = 0;
            for (let j = vs + tg.v.length; j < ve; j++) k = k * 10 + (inner.charCodeAt(j) - 48);
            value = shared[k] ?? null;
          } else value = cellValue(t, inner.slice(vs + tg.v.length, ve), shared, false);
        }
      }
      if (current && value !== null && value !== '') {
        while (current.length < col) current.push(null);
        current[col] = value;
        nonEmpty = true;
      }
      pos = xml.indexOf('<', cellEnd + tg.cEnd.length);
      continue;
    }
    pos = xml.indexOf('<', pos + 1);
  }
  b.add(current, currentNo, nonEmpty);
  return b.table();
}

/** The same table by a full namespace-aware parse (saxes), for sheets whose namespaces the scan cannot assume. */
export function parseSheetXmlNs(xml: string, shared: string[], name: string, file: string, part: string, maxRows: number, keepColumn?: (header: string) => boolean): Table {
  const b = new TableBuilder(name, file, maxRows, keepColumn);
  let current: Cell[] | null = null;
  let currentNo = 0;
  let nextRowNo = 1;
  let nextCol = 0;
  let nonEmpty = false;
  let inData = false;
  let col = -1;
  let type: string | undefined;
  let capture: 'v' | 't' | null = null;
  let inIs = false;
  let depthPh = 0;
  let v = '';
  let inline = '';
  let hasV = false;
  const p = saxes(file, part);
  p.on('opentag', (tag) => {
    if (!NS_MAIN.has(tag.uri)) return;
    switch (tag.local) {
      case 'sheetData':
        inData = true;
        break;
      case 'row': {
        if (!inData) break;
        b.add(current, currentNo, nonEmpty);
        const r = attrValue(tag, 'r');
        currentNo = r ? Number(r) : nextRowNo;
        nextRowNo = currentNo + 1;
        nextCol = 0;
        nonEmpty = false;
        current = tag.isSelfClosing ? null : [];
        break;
      }
      case 'c': {
        if (!inData) break;
        const r = refColumn(attrValue(tag, 'r'));
        col = r >= 0 ? r : nextCol;
        nextCol = col + 1;
        type = attrValue(tag, 't');
        v = '';
        inline = '';
        hasV = false;
        break;
      }
      case 'f':
        if (inData) b.formulaCells++;
        break;
      case 'v':
        capture = 'v';
        hasV = true;
        break;
      case 'is':
        inIs = true;
        break;
      case 'rPh':
        depthPh++;
        break;
      case 't':
        if (inIs && depthPh === 0) capture = 't';
        break;
    }
  });
  const onText = (t: string) => {
    if (capture === 'v') v += t;
    else if (capture === 't') inline += t;
  };
  p.on('text', onText);
  p.on('cdata', onText);
  p.on('closetag', (tag) => {
    if (!NS_MAIN.has(tag.uri)) return;
    switch (tag.local) {
      case 'v':
      case 't':
        capture = null;
        break;
      case 'rPh':
        depthPh--;
        break;
      case 'is':
        inIs = false;
        break;
      case 'sheetData':
        inData = false;
        break;
      case 'c': {
        if (!inData || b.skips(col)) break;
        const value: Cell = type === 'inlineStr' ? unescapeExcel(inline) : hasV ? cellValue(type, v, shared, true) : null;
        if (current && value !== null && value !== '') {
          while (current.length < col) current.push(null);
          current[col] = value;
          nonEmpty = true;
        }
        break;
      }
    }
  });
  p.write(xml).close();
  b.add(current, currentNo, nonEmpty);
  return b.table();
}

/**
 * Reads a sheet part. Its root element is parsed namespace-aware first: it must be a SpreadsheetML
 * worksheet (chart and dialog sheets give an empty table; anything else is "not understood",
 * never "empty"). When the root is the only place that declares namespaces, the fast scan runs
 * with the prefix the root binds to SpreadsheetML; otherwise the full SAX parse does.
 */
function parseSheet(xml: string, shared: string[], s: SheetRef, fileName: string, maxRows: number, keepColumn?: (header: string) => boolean): Table {
  let root: SaxesTagNS | null = null;
  const p = saxes(fileName, s.path);
  p.on('opentag', (tag) => {
    root ??= tag;
  });
  for (let at = 0; !root && at < xml.length && at < 2 ** 20; at += 4096) p.write(xml.slice(at, at + 4096));
  const top = root as SaxesTagNS | null;
  if (!top) throw notUnderstood(fileName, s.path, 'no root element');
  if (!NS_MAIN.has(top.uri)) throw notUnderstood(fileName, s.path, `its root element <${excerpt(top.local, 30)}> is in namespace "${excerpt(top.uri || 'none', 70)}"`);
  if (top.local !== 'worksheet') return { name: s.name, file: fileName, headers: [], rows: [], rowNumbers: [], formulaCells: 0 };
  const bound = Object.entries(top.ns ?? {}).filter(([, uri]) => NS_MAIN.has(uri));
  const rootAt = xml.indexOf(`<${top.name}`);
  const rootEnd = rootAt < 0 ? -1 : xml.indexOf('>', rootAt);
  const simple = bound.length === 1 && bound[0]![0] === top.prefix && rootEnd > 0 && xml.indexOf('xmlns', rootEnd) < 0;
  return simple ? parseSheetXml(xml, shared, s.name, fileName, maxRows, keepColumn, top.prefix) : parseSheetXmlNs(xml, shared, s.name, fileName, s.path, maxRows, keepColumn);
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

/** Opens a workbook: sheet list; shared strings are read only when a sheet is wanted. */
function openXlsx(bytes: Uint8Array, fileName: string, opts: XlsxReadOptions) {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const pkg = openPackage(bytes, fileName, limits);
  const wanted = pkg.sheets.filter((s) => !opts.wantSheet || opts.wantSheet(s.name));
  const parts = new Set(wanted.map((s) => s.path));
  if (wanted.length && pkg.sharedStrings) parts.add(pkg.sharedStrings);
  const entries = wanted.length ? pkg.entries(parts) : new Map<string, ZipEntry>();
  const ssEntry = pkg.sharedStrings ? entries.get(pkg.sharedStrings) : undefined;
  const shared = ssEntry ? readSharedStrings(ssEntry, fileName, limits) : [];
  const parse = (s: SheetRef): Table => {
    const e = entries.get(s.path);
    if (!e) throw new WorkbenchError('import-corrupt', `${fileName}: the workbook lists sheet ${excerpt(s.name, 40)} but its data (${excerpt(s.path, 60)}) is missing; the file is damaged.`);
    const xml = utf8.decode(inflateEntry(e, fileName));
    return parseSheet(xml, shared, s, fileName, limits.maxRows, opts.keepColumn?.(s.name));
  };
  return { sheetNames: pkg.sheets.map((s) => s.name), wanted, parse };
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
