import { WorkbenchError } from '../../common/model/errors';
import type { SkippedRow } from '../../common/model/inventory-import';
import { aggregateConnections, type Connection, type Endpoint } from '../../common/model/connections';
import { basename, yieldToCancel, type Importer, type LoadedFile } from './importer';
import { cellNumber, cellText, columnLetter, excerpt, mapColumns, normHeader, type Table } from './table';

/**
 * Columns of Azure Migrate's agentless dependency export ("Export dependencies", CSV), as listed in
 * learn.microsoft.com/azure/migrate/how-to-create-group-machine-dependencies-agentless
 * ("Dependency information"). Real exports also carry "Source IP"; the docs spell "Timeslot".
 */
const DEP_COLUMNS = {
  timeSlot: ['Timeslot', 'Time slot'],
  srcName: ['Source server name'],
  srcIp: ['Source IP', 'Source IP address'],
  srcApp: ['Source application'],
  srcProc: ['Source process'],
  dstName: ['Destination server name'],
  dstIp: ['Destination IP', 'Destination IP address'],
  dstApp: ['Destination application'],
  dstProc: ['Destination process'],
  dstPort: ['Destination port'],
} as const;
type Field = keyof typeof DEP_COLUMNS;

const has = (t: Table, f: Field) => {
  const h = new Set(t.headers.map(normHeader));
  return DEP_COLUMNS[f].some((a) => h.has(normHeader(a)));
};

/** The tables (the CSV, sheets of a workbook it was saved as, CSVs in a zip) that have the dependency columns. */
function dependencyTables(file: LoadedFile): Table[] {
  return file.tables.filter((t) => has(t, 'dstPort') && (has(t, 'srcName') || has(t, 'srcIp')) && (has(t, 'dstName') || has(t, 'dstIp')));
}

/** Reads a time slot: one date, or a "start - end" range; kept only when it parses (ISO strings compare in time order). */
function slotTimes(v: string | undefined): { first?: string; last?: string } {
  if (!v) return {};
  const parts = v.split(/\s+(?:-|–|to)\s+/);
  const iso = parts.map((p) => Date.parse(p)).filter((ms) => !Number.isNaN(ms)).map((ms) => new Date(ms).toISOString());
  if (!iso.length) return {};
  return { first: iso[0]!, last: iso[iso.length - 1]! };
}

export const azureMigrateDependenciesImporter: Importer = {
  kind: 'azure-migrate-dependencies',
  label: 'Azure Migrate dependency export (agentless)',
  detect(f) {
    if (f.format === 'json') return 0;
    return dependencyTables(f).length ? 0.97 : 0;
  },
  async read([file], ctx) {
    const tables = dependencyTables(file!);
    if (!tables.length) throw new WorkbenchError('import-missing-columns', `${file!.name} has no "Destination port" column with source and destination server names or IPs; it is not an Azure Migrate dependency export.`);
    if (tables.every((t) => t.rows.length === 0)) throw new WorkbenchError('import-empty', `${file!.name} has a header row but no dependencies.`);
    const skipped: SkippedRow[] = [];
    const rows: Connection[] = [];
    const warnings: string[] = [];
    // A handful of distinct slots repeat on every row: parse each once.
    const slots = new Map<string, { first?: string; last?: string }>();
    for (const table of tables) {
      const cols = mapColumns(table, DEP_COLUMNS, ['dstPort', 'srcName', 'dstName', 'srcIp', 'dstIp']);
      // A CSV inside a zip is named by its member path; a CSV or workbook by the file name.
      const source = file!.format === 'zip' ? table.file : basename(file!.path);
      const text = (row: (typeof table.rows)[number], f: Field) => (cols.index[f] >= 0 ? cellText(row[cols.index[f]]) : undefined);
      for (let r = 0; r < table.rows.length; r++) {
        if ((r & 4095) === 4095) {
          ctx.progress?.(r, table.rows.length);
          await yieldToCancel(ctx.signal);
        }
        const row = table.rows[r]!;
        const rowNo = table.rowNumbers[r]!;
        const skip = (f: Field | null, reason: string) => {
          const entry: SkippedRow = { file: source, row: rowNo, reason };
          if (table.name !== table.file && file!.format === 'xlsx') entry.sheet = table.name;
          const i = f ? cols.index[f] : -1;
          if (i >= 0) {
            entry.column = `${table.headers[i]} (${columnLetter(i)})`;
            const v = row[i];
            if (v !== undefined && v !== null) entry.value = excerpt(v, 120);
          }
          skipped.push(entry);
        };
        const portCell = cols.index.dstPort >= 0 ? row[cols.index.dstPort] : undefined;
        const port = cellNumber(portCell);
        if (port === undefined) {
          skip('dstPort', 'Destination port is empty; dependency skipped');
          continue;
        }
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          skip('dstPort', 'Destination port is not a port number (0–65535); dependency skipped');
          continue;
        }
        const endpoint = (name: Field, ip: Field, proc: Field, app: Field): Endpoint => {
          const e: Endpoint = {};
          const n = text(row, name);
          const i = text(row, ip);
          const p = text(row, proc);
          const a = text(row, app);
          if (n) e.name = n;
          if (i) e.ip = i;
          // Azure Migrate writes "Unknown process" when it could not tell.
          if (p && !/^unknown process$/i.test(p)) e.process = p;
          if (a && !/^unknown( application)?$/i.test(a)) e.application = a;
          return e;
        };
        const src = endpoint('srcName', 'srcIp', 'srcProc', 'srcApp');
        const dst = endpoint('dstName', 'dstIp', 'dstProc', 'dstApp');
        if (!src.name && !src.ip) {
          skip(cols.index.srcName >= 0 ? 'srcName' : 'srcIp', 'Neither source server name nor source IP is given; dependency skipped');
          continue;
        }
        if (!dst.name && !dst.ip) {
          skip(cols.index.dstName >= 0 ? 'dstName' : 'dstIp', 'Neither destination server name nor destination IP is given; dependency skipped');
          continue;
        }
        const c: Connection = { source: src, destination: dst, port, protocol: 'tcp', importId: 'pending', file: source, row: rowNo, count: 1 };
        const slotText = text(row, 'timeSlot') ?? '';
        let slot = slots.get(slotText);
        if (!slot) slots.set(slotText, (slot = slotTimes(slotText)));
        if (slot.first) c.firstSeen = slot.first;
        if (slot.last) c.lastSeen = slot.last;
        rows.push(c);
    }
    if (table.formulaCells) warnings.push(`${source}: ${table.formulaCells} cells start with "=" (spreadsheet formulas exported as text); they were read as text.`);
    }
    return { kind: 'azure-migrate-dependencies', files: [file!.path], servers: [], connections: aggregateConnections(rows), skipped, warnings };
  },
};
