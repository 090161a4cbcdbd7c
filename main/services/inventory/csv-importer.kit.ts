import { WorkbenchError } from '../../common/model/errors';
import type { SkippedRow } from '../../common/model/inventory-import';
import type { Server } from '../../common/model/server';
import { basename, yieldToCancel, type ImportContext, type LoadedFile } from './importer';
import { cellNumber, cellText, columnLetter, describeHeaders, excerpt, mapColumns, normHeader, type Cell, type ColumnMap, type Table } from './table';

/** Shared plumbing of the one-table CSV importers: column lookup, typed cells, precise row issues. */
export interface RowReader<F extends string> {
  readonly table: Table;
  readonly cols: ColumnMap<F>;
  text(f: F): string | undefined;
  num(f: F, what?: string): number | undefined;
  has(f: F): boolean;
  prov(f: F): string;
  rowNo: number;
  row: Cell[];
  skip(f: F | null, reason: string): void;
}

/** Where a value came from, for `Server.provenance`: `vInfo!CPUs r12` (with the sheet) or `CPUs r12`. */
export function provenance(header: string | undefined, rowNo: number, sheet?: string): string {
  return `${sheet ? `${sheet}!` : ''}${header ?? '?'} r${rowNo}`;
}

/** Row issues and typed numbers of one table: the one place that records a skipped value with its column. */
export interface TableIssues {
  issue(rowNo: number, col: number, value: Cell | undefined, reason: string): void;
  /** The number in column `col`, or undefined when empty; a value that is not a non-negative number is reported and left empty. */
  num(row: Cell[], rowNo: number, col: number, what: string): number | undefined;
}

export function tableIssues(table: Table, source: string, skipped: SkippedRow[], opts: { sheet?: boolean } = {}): TableIssues {
  const issue = (rowNo: number, col: number, value: Cell | undefined, reason: string) => {
    const entry: SkippedRow = { file: source, row: rowNo, reason };
    if (opts.sheet) entry.sheet = table.name;
    if (col >= 0) entry.column = `${table.headers[col] ?? ''} (${columnLetter(col)})`;
    if (value !== undefined && value !== null) entry.value = excerpt(value, 120);
    skipped.push(entry);
  };
  return {
    issue,
    num(row, rowNo, col, what) {
      if (col < 0) return undefined;
      const n = cellNumber(row[col]);
      if (n === undefined) return undefined;
      if (Number.isNaN(n) || n < 0) {
        issue(rowNo, col, row[col], `${what} is not a non-negative number; left empty`);
        return undefined;
      }
      return n;
    },
  };
}

export function headerScore(file: LoadedFile, required: string[], optional: string[] = []): number {
  const t = file.tables[0];
  if (!t || file.format !== 'csv') return 0;
  const h = new Set(t.headers.map(normHeader));
  const req = required.filter((r) => h.has(normHeader(r))).length / required.length;
  if (req < 1) return req * 0.3;
  const opt = optional.length ? optional.filter((o) => h.has(normHeader(o))).length / optional.length : 0;
  return 0.7 + 0.3 * opt;
}

export async function readRows<F extends string>(
  file: LoadedFile,
  spec: Record<F, readonly string[]>,
  required: NoInfer<F>[],
  keyFields: NoInfer<F>[],
  ctx: ImportContext,
  build: (r: RowReader<F>) => Server | null,
): Promise<{ servers: Server[]; skipped: SkippedRow[]; warnings: string[] }> {
  const table = file.tables[0];
  if (!table || table.headers.length === 0) throw new WorkbenchError('import-empty', `${file.name} is empty.`);
  const cols = mapColumns(table, spec, keyFields);
  const missing = required.filter((f) => cols.index[f] < 0);
  if (missing.length) {
    throw new WorkbenchError(
      'import-missing-columns',
      `${file.name} is missing the column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `"${spec[f][0]}"`).join(', ')}. Found: ${describeHeaders(table.headers)}.`,
      { missing: missing.map((f) => spec[f][0]) },
    );
  }
  if (table.rows.length === 0) throw new WorkbenchError('import-empty', `${file.name} has a header row but no servers.`);
  const skipped: SkippedRow[] = [];
  const warnings: string[] = [];
  const servers: Server[] = [];
  const source = basename(file.path);
  const issues = tableIssues(table, source, skipped);
  const reader = { table, cols, rowNo: 0, row: [] as Cell[] } as RowReader<F>;
  reader.has = (f) => cols.index[f] >= 0;
  reader.text = (f) => (cols.index[f] >= 0 ? cellText(reader.row[cols.index[f]]) : undefined);
  reader.prov = (f) => provenance(cols.header[f], reader.rowNo);
  reader.skip = (f, reason) => {
    const i = f ? cols.index[f] : -1;
    issues.issue(reader.rowNo, i, i >= 0 ? reader.row[i] : undefined, reason);
  };
  reader.num = (f, what) => issues.num(reader.row, reader.rowNo, cols.index[f], what ?? cols.header[f]);
  for (let r = 0; r < table.rows.length; r++) {
    if ((r & 2047) === 2047) {
      ctx.progress?.(r, table.rows.length);
      await yieldToCancel(ctx.signal);
    }
    reader.row = table.rows[r]!;
    reader.rowNo = table.rowNumbers[r]!;
    const s = build(reader);
    if (s) servers.push(s);
  }
  if (table.formulaCells) warnings.push(`${file.name}: ${table.formulaCells} cells start with "=" (spreadsheet formulas exported as text); they were read as text.`);
  return { servers, skipped, warnings };
}
