import { promises as fs, type Stats } from 'node:fs';
import { WorkbenchError } from '../../common/model/errors';
import { basename, type LoadedFile } from './importer';
import { readCsv } from './csv.reader';
import { readXlsx, readXlsxAsync } from './xlsx.reader';
import { unzipBounded } from './zip.reader';
import { DEFAULT_LIMITS, type ImportLimits } from './limits';
import type { LoadHints } from './importer';
import type { Table } from './table';

interface LoadIo {
  signal?: AbortSignal;
  onSheet?(name: string, index: number, count: number): void;
  /** The importers' load hints (`loadHints` in ./registry.ts): the first whose sheets a file holds decides what is read. */
  hints?: readonly LoadHints[];
}

/** The hint whose sheets `names` (sheet or file names) include, and the names it wants. */
function pickHint(names: readonly string[], hints: readonly LoadHints[]): { hint: LoadHints; wanted: Set<string> } | null {
  for (const hint of hints) {
    const sheets = new Set(hint.sheets.map((s) => s.toLowerCase()));
    const key = (n: string) => (hint.sheetOf ? hint.sheetOf(n) : n.toLowerCase()) ?? '';
    const wanted = new Set(names.filter((n) => sheets.has(key(n))));
    if (wanted.size) return { hint, wanted };
  }
  return null;
}

/** Turns bytes into tables (or JSON), whatever the container: xlsx, zip of CSVs, CSV, JSON. */
export async function loadBytes(bytes: Uint8Array, path: string, limits: ImportLimits = DEFAULT_LIMITS, io: LoadIo = {}): Promise<LoadedFile> {
  const name = basename(path);
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (bytes.length === 0) throw new WorkbenchError('import-empty', `${name} is empty (0 bytes).`);
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw new WorkbenchError('import-unrecognized', `${name} is an old binary Excel file (.xls). Open it in Excel and save it as .xlsx, then import that.`);
  }
  if (zip || /\.(xlsx|xlsm|zip)$/i.test(name)) {
    const names: string[] = [];
    unzipBounded(bytes, name, (n) => (names.push(n), false), limits);
    // An Office package (any writer, any part names): the xlsx reader finds the workbook through _rels/.rels.
    if (names.includes('_rels/.rels') || names.includes('[Content_Types].xml') || names.includes('xl/workbook.xml')) {
      const probe = readXlsx(bytes, name, { wantSheet: () => false, limits });
      const picked = pickHint(probe.sheetNames, io.hints ?? []);
      // No format claims these sheets: read every one so other formats (or a clear "not an inventory") can be told.
      const only = picked ? { wantSheet: (s: string) => picked.wanted.has(s), ...(picked.hint.columnFilter ? { keepColumn: picked.hint.columnFilter } : {}) } : {};
      const wb = await readXlsxAsync(bytes, name, { ...only, limits, ...(io.signal ? { signal: io.signal } : {}), ...(io.onSheet ? { onSheet: io.onSheet } : {}) });
      return { path, name, format: 'xlsx', tables: wb.tables, sheetNames: wb.sheetNames };
    }
    const csvs = names.filter((n) => /\.csv$/i.test(n) && !n.startsWith('__MACOSX/'));
    if (csvs.length === 0) throw new WorkbenchError('import-unrecognized', `${name} is a zip archive without CSV files or an Excel workbook inside; nothing to import.`);
    // Only the tabs a format reads are inflated when the zip holds its per-tab CSV export.
    const pick = pickHint(csvs, io.hints ?? [])?.wanted ?? new Set(csvs);
    const files = unzipBounded(bytes, name, (n) => pick.has(n), limits);
    const tables: Table[] = [...pick].map((n) => readCsv(files[n] ?? new Uint8Array(), `${name}/${n}`, basename(n), limits));
    return { path, name, format: 'zip', tables, sheetNames: tables.map((t) => t.name) };
  }
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart();
  if (/\.json$/i.test(name) || head.startsWith('{') || head.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
    } catch (err) {
      // V8 quotes the start of the text in its message ("hello…" is not valid JSON): keep only the position.
      const at = /position (\d+)/.exec((err as Error).message)?.[1];
      throw new WorkbenchError('import-corrupt', `${name} is not valid JSON (${at ? `it breaks at character ${at}` : 'it does not start like JSON'}); was it cut short?`);
    }
    return { path, name, format: 'json', tables: [], sheetNames: [], json };
  }
  const t = readCsv(bytes, name, name, limits);
  return { path, name, format: 'csv', tables: [t], sheetNames: [t.name], encoding: t.encoding };
}

export async function loadFile(path: string, limits: ImportLimits = DEFAULT_LIMITS, io: LoadIo = {}): Promise<LoadedFile> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch {
    throw new WorkbenchError('not-found', `No file at ${path}.`);
  }
  if (!stat.isFile()) {
    throw new WorkbenchError('import-unrecognized', `${path} is ${notAFile(stat)}, not a regular file. Pick the export file (or a zip of RVTools CSVs).`);
  }
  const tooLarge = (size: string) =>
    new WorkbenchError(
      'import-too-large',
      `${basename(path)} is ${size}; the workbench reads inventory files up to ${Math.round(limits.maxFileBytes / 2 ** 20)} MiB. A real RVTools export of 20,000 VMs is about 30 MiB: is this the right file?`,
    );
  if (stat.size > limits.maxFileBytes) throw tooLarge(`${Math.round(stat.size / 2 ** 20)} MiB`);
  // Read at most the bound: files under /proc report size 0 and may hold more than stat says.
  const fh = await fs.open(path, 'r');
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(Math.min(total < stat.size ? stat.size + 1 - total : 64 * 1024, limits.maxFileBytes + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limits.maxFileBytes) throw tooLarge(`more than ${Math.round(limits.maxFileBytes / 2 ** 20)} MiB`);
    }
    const bytes = chunks.length === 1 ? chunks[0]! : new Uint8Array(total);
    if (chunks.length > 1) {
      let at = 0;
      for (const c of chunks) {
        bytes.set(c, at);
        at += c.length;
      }
    }
    return await loadBytes(bytes, path, limits, io);
  } finally {
    await fh.close();
  }
}

/** What a path that is not a regular file is, in words ("/dev/zero is a device"). */
function notAFile(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isCharacterDevice()) return 'a character device (like /dev/zero)';
  if (stat.isBlockDevice()) return 'a block device (a disk)';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}
