import { WorkbenchError } from '../../common/model/errors';

/** A cell as the readers deliver it: xlsx keeps numbers and booleans typed, CSV gives strings. */
export type Cell = string | number | boolean | null;

/** One sheet of a workbook or one CSV file: a header row and the data rows under it. */
export interface Table {
  /** Sheet name (xlsx), or the tab the file name says (RVTools CSV), or the file name. */
  name: string;
  /** File the table came from, for messages. */
  file: string;
  headers: string[];
  rows: Cell[][];
  /** 1-based row number in the source for each data row (for "row 12" in messages). */
  rowNumbers: number[];
  /** Cells holding a formula (their cached value is used). */
  formulaCells: number;
}

/** Header normalisation: case, spaces, punctuation and unit spellings do not matter. */
export function normHeader(h: string): string {
  return h.toLowerCase().replace(/[^a-z0-9#%]+/g, '');
}

/** A1-style column letter for messages. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export interface ColumnMap<F extends string> {
  /** Column index per field (-1 when absent). */
  readonly index: Record<F, number>;
  /** The header text that matched each found field, for provenance. */
  readonly header: Record<F, string>;
}

/**
 * Finds columns by header name (never by position). Each field lists its accepted headers in
 * every known spelling; the first alias present wins. Two columns matching the same key field
 * make the table ambiguous, which is an error rather than a guess.
 */
export function mapColumns<F extends string>(table: Table, spec: Record<F, readonly string[]>, keyFields: readonly NoInfer<F>[] = []): ColumnMap<F> {
  const positions = new Map<string, number[]>();
  table.headers.forEach((h, i) => {
    const k = normHeader(h);
    if (!k) return;
    const list = positions.get(k);
    if (list) list.push(i);
    else positions.set(k, [i]);
  });
  const index = {} as Record<F, number>;
  const header = {} as Record<F, string>;
  for (const field of Object.keys(spec) as F[]) {
    index[field] = -1;
    for (const alias of spec[field]) {
      const found = positions.get(normHeader(alias));
      if (!found) continue;
      if (found.length > 1 && keyFields.includes(field)) {
        throw new WorkbenchError(
          'import-duplicate-columns',
          `${table.file}${table.name !== table.file ? ` (${table.name})` : ''}: the column "${excerpt(table.headers[found[0]!], 40)}" appears ${found.length} times (columns ${found.map(columnLetter).join(', ')}); keep one and import again.`,
          { file: table.file, sheet: table.name, header: excerpt(table.headers[found[0]!], 40) },
        );
      }
      index[field] = found[0]!;
      header[field] = table.headers[found[0]!]!;
      break;
    }
  }
  return { index, header };
}

export function cellText(c: Cell | undefined): string | undefined {
  if (c === null || c === undefined) return undefined;
  if (typeof c === 'string') {
    const t = c.trim();
    return t === '' ? undefined : t;
  }
  return String(c);
}

/** Numbers as Excel or CSV give them: `1,024` and `1 024` (thousands) and `12,5` (decimal comma) both read. */
export function cellNumber(c: Cell | undefined): number | undefined {
  if (c === null || c === undefined) return undefined;
  if (typeof c === 'number') return c;
  if (typeof c === 'boolean') return NaN;
  let t = c.trim();
  if (t === '') return undefined;
  t = t.replace(/[\s\u00a0]/g, '');
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  else if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(t)) t = t.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d+,\d+$/.test(t)) t = t.replace(',', '.');
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

export function cellBool(c: Cell | undefined): boolean | undefined {
  if (c === null || c === undefined) return undefined;
  if (typeof c === 'boolean') return c;
  if (typeof c === 'number') return c !== 0;
  const t = c.trim().toLowerCase();
  if (['true', 'yes', 'y', '1', 'on', 'enabled', 'wahr', 'vrai'].includes(t)) return true;
  if (['false', 'no', 'n', '0', 'off', 'disabled', 'falsch', 'faux'].includes(t)) return false;
  return undefined;
}

/** Excel stores dates as days since 1899-12-30; text dates pass through when they parse. */
export function cellDate(c: Cell | undefined): string | undefined {
  if (c === null || c === undefined || typeof c === 'boolean') return undefined;
  if (typeof c === 'number') {
    if (c <= 0 || c > 2958465) return undefined;
    return new Date(Math.round((c - 25569) * 86400000)).toISOString();
  }
  const t = c.trim();
  if (!t) return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return cellDate(Number(t));
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/**
 * A piece of file content fit for a message: control and format characters dropped, cut to `max`
 * characters. Messages say what was expected and what was found; they never quote a whole line.
 */
export function excerpt(v: unknown, max = 24): string {
  const s = String(v).replace(/[\p{C}]+/gu, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** At most `count` names, each cut short: `"VM", "Powerstate", "Template" and 12 more`. */
export function quoteNames(names: readonly string[], count = 4, max = 24): string {
  const shown = names.slice(0, count).map((h) => `"${excerpt(h, max)}"`);
  return `${shown.join(', ')}${names.length > count ? ` and ${names.length - count} more` : ''}`;
}

/** What a table's header row looks like, briefly and without quoting a line of text. */
export function describeHeaders(headers: readonly string[]): string {
  const named = headers.filter((h) => h.trim() !== '');
  if (named.length === 0) return 'no header row';
  // One "column" is a line without separators (a text file, a passwd line, an environment block): quote none of it.
  if (headers.length === 1) return 'text without column separators (no `,` `;` or tab), not a table';
  // Control characters or very long fields: not a header row, so none of it is quoted.
  if (headers.some((h) => h.length > 64 || /[\p{Cc}]/u.test(h))) return `a first line of ${headers.length} fields that is not a header row`;
  return `${headers.length} columns (${quoteNames(named)})`;
}
