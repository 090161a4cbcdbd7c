import { parse } from 'csv-parse/sync';
import { WorkbenchError } from '../../common/model/errors';
import type { Cell, Table } from './table';
import { DEFAULT_LIMITS, type ImportLimits } from './limits';

/**
 * Text of a CSV file in whatever encoding Excel or a script wrote it: UTF-8 (with or without BOM),
 * UTF-16 LE/BE (Excel's "Unicode text"), and Windows-1252 when the bytes are not valid UTF-8.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16 LE' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16 BE' };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'UTF-8' };
  // UTF-16 without a BOM: every other byte of ASCII text is zero.
  const sample = bytes.subarray(0, Math.min(bytes.length, 512));
  let zeroOdd = 0;
  let zeroEven = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) {
      if (i % 2) zeroOdd++;
      else zeroEven++;
    }
  if (sample.length >= 8 && zeroOdd > sample.length / 4 && zeroEven === 0) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'UTF-16 LE' };
  if (sample.length >= 8 && zeroEven > sample.length / 4 && zeroOdd === 0) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'UTF-16 BE' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'Windows-1252' };
  }
}

/** Picks the delimiter of the header line: `,` (default), `;` (European Excel) or tab. */
export function sniffDelimiter(text: string): string {
  let line = '';
  let quoted = false;
  for (let i = 0; i < text.length && i < 65536; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if ((c === '\n' || c === '\r') && !quoted) {
      if (line.trim()) break;
      line = '';
      continue;
    }
    if (!quoted) line += c;
  }
  const count = (d: string) => line.split(d).length - 1;
  const candidates = [',', ';', '\t', '|'].map((d) => ({ d, n: count(d) }));
  candidates.sort((a, b) => b.n - a.n);
  return candidates[0]!.n > 0 ? candidates[0]!.d : ',';
}

/**
 * Decoded text full of control characters (or undecodable bytes) is not a CSV export, and neither
 * is text holding NUL characters (an environment block, a binary file): no spreadsheet writes them.
 */
export function isBinaryText(text: string): boolean {
  const n = Math.min(text.length, 4096);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32) || c === 0xfffd) odd++;
  }
  return odd > n / 10;
}

/** Reads a CSV file into a table (header row first). */
export function readCsv(bytes: Uint8Array, fileName: string, tableName: string, limits: Partial<ImportLimits> = {}): Table & { encoding: string; delimiter: string } {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const { text, encoding } = decodeText(bytes);
  if (isBinaryText(text)) {
    throw new WorkbenchError('import-unrecognized', `${fileName} is a binary file, not a CSV inventory export.`);
  }
  const delimiter = sniffDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      to: lim.maxRows + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw new WorkbenchError('import-corrupt', `${fileName} is not a readable CSV file: ${(err as Error).message}`);
  }
  const nonBlank = records.filter((r) => r.record.some((c) => c.trim() !== ''));
  if (nonBlank.length > lim.maxRows + 1) {
    throw new WorkbenchError('import-too-large', `${fileName} has more than ${lim.maxRows.toLocaleString('en-US')} rows; split it and import the parts.`);
  }
  const [head, ...body] = nonBlank;
  const headers = (head?.record ?? []).map((h) => h.replace(/^\uFEFF/, '').trim());
  const rows: Cell[][] = body.map((r) => {
    const row: Cell[] = r.record.map((c) => (c.trim() === '' ? null : c));
    while (row.length < headers.length) row.push(null);
    return row;
  });
  const formulaCells = rows.reduce((n, r) => n + r.filter((c) => typeof c === 'string' && c.startsWith('=') && c.length > 1).length, 0);
  return { name: tableName, file: fileName, headers, rows, rowNumbers: body.map((r) => r.info.lines), formulaCells, encoding, delimiter };
}
