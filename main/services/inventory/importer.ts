import { throwIfAborted } from '../../common/util/cancel';
import type { ImporterKind, SkippedRow } from '../../common/model/inventory-import';
import type { OsFamily, Server, SourceKind } from '../../common/model/server';
import type { Table } from './table';
import type { Connection } from '../../common/model/connections';

/** A file after loading: its tables (xlsx sheets, CSV files, zipped CSVs) or its parsed JSON. */
export interface LoadedFile {
  path: string;
  name: string;
  format: 'xlsx' | 'csv' | 'zip' | 'json';
  tables: Table[];
  /** Every sheet name of a workbook (tables holds only those read). */
  sheetNames: string[];
  json?: unknown;
  encoding?: string;
}

/** What one importer made of its files, before merging into the project. */
export interface ImportBatch {
  kind: ImporterKind;
  files: string[];
  servers: Server[];
  /** Observed dependencies (dependency exports); importId is set when the import commits. */
  connections?: Connection[];
  skipped: SkippedRow[];
  warnings: string[];
}

export interface ImportContext {
  signal?: AbortSignal;
  /** Reports rows processed so far. */
  progress?(done: number, total: number | null): void;
}

/**
 * What a format asks of the loader and the service, so that neither names a format: which sheets
 * (or per-tab CSV files) to read, which columns to keep while parsing, and whether several files
 * picked together form one export.
 */
export interface LoadHints {
  /** Sheets this format reads. When a workbook or zip holds any of them, only those are read. */
  readonly sheets: readonly string[];
  /** The sheet a workbook sheet or CSV file name stands for (`RVTools_tabvInfo.csv` → `vinfo`, lower case), or null. */
  sheetOf?(name: string): string | null;
  /** Per sheet, which header columns to keep (the others are skipped while parsing). */
  columnFilter?(sheet: string): ((header: string) => boolean) | undefined;
  /** Files of this kind for which this holds, picked together, are read as one export (per-tab CSVs). */
  groupFiles?(file: LoadedFile): boolean;
}

/** One inventory format. Registry: `importers` in ./registry.ts. */
export interface Importer {
  readonly kind: ImporterKind;
  readonly label: string;
  /** How the loader should read files of this format (optional: without, every sheet and CSV is read). */
  readonly hints?: LoadHints;
  /** How sure (0..1) this importer is that it reads the file; 0 means not at all. */
  detect(file: LoadedFile): number;
  /** Reads a group of files of this kind (RVTools per-tab CSVs come as a group). */
  read(files: LoadedFile[], ctx: ImportContext): Promise<ImportBatch>;
}

export function osFamily(...names: (string | undefined)[]): OsFamily {
  const t = names.filter(Boolean).join(' ').toLowerCase();
  if (!t) return 'unknown';
  if (t.includes('windows')) return 'windows';
  // "Oracle Solaris" would otherwise match `oracle` (Oracle Linux) below.
  if (/solaris|sunos|\baix\b|hp-ux|freebsd/.test(t)) return 'other';
  if (/linux|ubuntu|centos|red ?hat|rhel|suse|sles|debian|photon|rocky|alma|fedora|coreos|oracle|amazon/.test(t)) return 'linux';
  return 'other';
}

/** A server with every required field set to "unknown", for importers to fill in. */
export function blankServer(name: string, source: { kind: SourceKind; name: string }): Server {
  return {
    id: 'pending',
    name,
    source,
    vmManager: { type: 'unknown' },
    identity: {},
    place: {},
    state: { power: 'unknown', template: false },
    os: { family: 'unknown' },
    firmware: { type: 'unknown' },
    cpu: { vcpus: 0 },
    memoryMiB: 0,
    disks: [],
    partitions: [],
    nics: [],
    snapshots: [],
    tags: {},
    provenance: {},
  };
}

/** What a cancelled import says (with `throwIfAborted` from main/common/util/cancel). */
export const IMPORT_CANCELLED = 'Import cancelled; the project is unchanged.';

/** Lets progress events and cancel requests through, then stops if the import was cancelled. */
export async function yieldToCancel(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((r) => setImmediate(r));
  throwIfAborted(signal, IMPORT_CANCELLED);
}

/** Splits multi-value cells: `a;b`, `a, b`, newline lists. */
export function splitList(v: string | undefined, seps = /[;,\n]+/): string[] {
  if (!v) return [];
  return v.split(seps).map((s) => s.trim()).filter(Boolean);
}

export function basename(p: string): string {
  return p.replace(/^.*[\\/]/, '');
}
