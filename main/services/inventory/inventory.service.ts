import { randomUUID } from 'node:crypto';
import { WorkbenchError } from '../../common/model/errors';
import { catalogRows, mergeInventory, type CatalogRow, type ImportReport, type ImporterKind, type SkippedRow } from '../../common/model/inventory-import';
import type { ProjectDocument } from '../../common/model/project';
import { ServerSchema, type Server } from '../../common/model/server';
import { matchConnections, mergeConnections, type Connection } from '../../common/model/connections';
import type { ProjectStore } from '../project-store.service';
import type { TaskHandle, TaskService } from '../tasks.service';
import type { ImportBatch, LoadedFile } from './importer';
import { loadFile } from './loader';
import { detectImporter, importers, loadHints } from './registry';
import { DEFAULT_LIMITS, type ImportLimits } from './limits';
import { exportCatalog, plannedPlacements, type ExportFormat } from './catalog.exporter';
import { throwIfAborted } from '../../common/util/cancel';
import { IMPORT_CANCELLED, yieldToCancel } from './importer';

/**
 * Cheap structural check of imported servers (numbers finite and non-negative, names present);
 * a full zod parse of 20,000 servers costs more than the import itself. Tests parse every
 * imported server with ServerSchema.
 */
function assertServersSane(servers: Server[]): void {
  const bad = (s: Server, what: string) => new WorkbenchError('import-failed', `The import produced invalid data for ${s.name} (${what}); the project is unchanged.`);
  const ok = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n >= 0);
  for (const s of servers) {
    if (!s.name) throw bad(s, 'no name');
    if (!Number.isInteger(s.cpu.vcpus) || s.cpu.vcpus < 0) throw bad(s, 'vCPU');
    if (!ok(s.memoryMiB)) throw bad(s, 'memory');
    if (!ok(s.storage?.provisionedMiB) || !ok(s.storage?.usedMiB)) throw bad(s, 'storage');
    for (const d of s.disks) if (!ok(d.capacityMiB) || !ok(d.provisionedMiB)) throw bad(s, `disk ${d.label}`);
    for (const p of s.partitions) if (!ok(p.capacityMiB) || !ok(p.freeMiB)) throw bad(s, `partition ${p.path}`);
  }
  // One full schema parse of the first server catches a shape drift early and cheaply.
  if (servers[0]) {
    const r = ServerSchema.safeParse(servers[0]);
    if (!r.success) throw bad(servers[0], `${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
  }
}

export interface ImportOptions {
  paths: string[];
  kind?: ImporterKind;
  removeGone?: boolean;
  taskId?: string;
}

const SKIPPED_CAP = 2000;

/** Imports inventory files into the open project, and serves the catalog and its exports. */
export class InventoryService {
  private rowsCache: { doc: unknown; rows: CatalogRow[] } | null = null;

  constructor(
    private readonly deps: { project: ProjectStore; tasks: TaskService; limits?: ImportLimits },
  ) {}

  /** Reads and merges without touching the project; `import` commits the result. */
  async readFiles(opts: ImportOptions, signal?: AbortSignal, progress?: (done: number, total: number | null, msg?: string) => void): Promise<{ batches: ImportBatch[] }> {
    const limits = this.deps.limits ?? DEFAULT_LIMITS;
    if (opts.paths.length === 0) throw new WorkbenchError('invalid-input', 'No file to import.');
    const loaded: { file: LoadedFile; kind: ImporterKind }[] = [];
    for (const [i, p] of opts.paths.entries()) {
      progress?.(i, opts.paths.length, `Reading ${p.replace(/^.*[\\/]/, '')}`);
      const name = p.replace(/^.*[\\/]/, '');
      const file = await loadFile(p, limits, { ...(signal ? { signal } : {}), hints: loadHints, onSheet: (sheet, k, n) => progress?.(k, n, `Reading ${name}: sheet ${sheet}`) });
      // Let cancel requests and progress events through between the synchronous parsing steps.
      await yieldToCancel(signal);
      loaded.push({ file, kind: detectImporter(file, opts.kind).kind });
    }
    // Files an importer groups (per-tab CSVs picked together) form one export; every other file is its own.
    const groups: { kind: ImporterKind; files: LoadedFile[] }[] = [];
    const grouped = new Map<ImporterKind, LoadedFile[]>();
    for (const l of loaded) {
      if (importers[l.kind].hints?.groupFiles?.(l.file)) {
        const files = grouped.get(l.kind);
        if (files) files.push(l.file);
        else grouped.set(l.kind, [l.file]);
      }
    }
    for (const [kind, files] of grouped) groups.push({ kind, files });
    for (const l of loaded) if (!importers[l.kind].hints?.groupFiles?.(l.file)) groups.push({ kind: l.kind, files: [l.file] });
    const batches: ImportBatch[] = [];
    for (const g of groups) {
      await yieldToCancel(signal);
      const batch = await importers[g.kind].read(g.files, {
        signal,
        progress: (done, total) => {
          progress?.(done, total, `Joining ${g.files.length > 1 ? `${g.files.length} files` : g.files[0]!.name}`);
        },
      });
      batches.push(batch);
    }
    return { batches };
  }

  async import(opts: ImportOptions): Promise<ImportReport> {
    return this.deps.tasks.run(
      'Importing inventory',
      'rows',
      async (task) => {
        const before = this.deps.project.document;
        const { batches } = await this.readFiles(opts, task.signal, (d, t, m) => task.progress(d, t, m));
        const incoming = batches.flatMap((b) => b.servers);
        const incomingConnections = batches.flatMap((b) => b.connections ?? []);
        const skipped = batches.flatMap((b) => b.skipped);
        const warnings = batches.flatMap((b) => b.warnings);
        if (incoming.length === 0 && incomingConnections.length === 0) {
          throw new WorkbenchError(
            'import-nothing-read',
            `No server${batches.some((b) => b.kind === 'azure-migrate-dependencies') ? ' or dependency' : ''} could be read from ${opts.paths.map((p) => p.replace(/^.*[\\/]/, '')).join(', ')}${skipped.length ? `: ${skipped.length} rows skipped (first: row ${skipped[0]!.row}, ${skipped[0]!.reason})` : ''}. The project is unchanged.`,
            { skipped: skipped.slice(0, 50), warnings },
          );
        }
        const merged = this.mergeAndCommit(before, { servers: incoming, connections: incomingConnections, skipped, warnings }, { files: opts.paths, kind: [...new Set(batches.map((b) => b.kind))].join('+'), ...(opts.removeGone ? { removeGone: true } : {}) }, task);
        return {
          ...merged,
          // Per-tab RVTools CSVs read together share one count: the VMs of the export.
          files: batches.flatMap((b) => b.files.map((f) => ({ path: f, kind: b.kind, servers: b.servers.length }))),
        };
      },
      opts.taskId,
    );
  }


  /**
   * Merges servers and dependencies found by live discovery (SSH, ...) into the project through the same merge
   * and single undoable commit as a file import, with the same report. `sources` name what was discovered
   * (`ssh://host:port`); they are recorded in the import history as its files.
   */
  async importDiscovered(input: { kind: string; sources: string[]; servers: Server[]; connections: Connection[]; warnings: string[]; removeGone?: boolean; taskId?: string }): Promise<ImportReport> {
    return this.deps.tasks.run(
      'Merging discovered servers',
      'items',
      async (task) => {
        const before = this.deps.project.document;
        if (input.servers.length === 0 && input.connections.length === 0) {
          throw new WorkbenchError('import-nothing-read', `Discovery found no server${input.warnings.length ? ` (${input.warnings[0]})` : ''}. The project is unchanged.`, { warnings: input.warnings });
        }
        const merged = this.mergeAndCommit(before, { servers: input.servers, connections: input.connections, skipped: [], warnings: input.warnings }, { files: input.sources, kind: input.kind, ...(input.removeGone ? { removeGone: true } : {}) }, task);
        return { ...merged, files: [] };
      },
      input.taskId,
    );
  }

  /**
   * The one merge path of imports and discoveries: checks the servers, merges them into `before` by identity
   * (added, updated, unchanged, gone), merges dependencies, records where they came from and commits once
   * (undoable). Throws, changing nothing, when the project changed meanwhile or the task was cancelled.
   */
  mergeAndCommit(
    before: ProjectDocument,
    read: { servers: Server[]; connections?: Connection[]; skipped: SkippedRow[]; warnings: string[] },
    source: { files: string[]; kind: string; removeGone?: boolean },
    task: Pick<TaskHandle, 'signal' | 'progress'>,
    /** Further changes committed with the merge (a discovery records its source). */
    patch?: (doc: ProjectDocument, importId: string) => ProjectDocument,
  ): Omit<ImportReport, 'files'> {
    const incoming = read.servers;
    const incomingConnections = read.connections ?? [];
    const { skipped } = read;
    const warnings = [...read.warnings];
    // Guard the document: a bug in an importer must not produce an unloadable project.
    assertServersSane(incoming);
    task.progress(1, 1, 'Merging');
    throwIfAborted(task.signal, IMPORT_CANCELLED);
    const merged = incoming.length
      ? mergeInventory(before.inventory.servers, incoming, { newId: randomUUID, ...(source.removeGone ? { removeGone: true } : {}) })
      : { servers: before.inventory.servers, added: 0, updated: 0, unchanged: 0, gone: [], removed: 0 };
    const importId = randomUUID();
    // Dependencies: merged without duplicates, then every endpoint (old ones too: servers may
    // arrive after the dependency export) matched again against the inventory as it is now.
    const stamped = incomingConnections.map((c) => ({ ...c, importId }));
    const connMerge = mergeConnections(before.inventory.connections, stamped);
    const connections = connMerge.connections.length ? matchConnections(connMerge.connections, merged.servers).connections : connMerge.connections;
    if (stamped.length) {
      const { unmatched } = matchConnections(stamped, merged.servers);
      if (unmatched.size) {
        const total = [...unmatched.values()].reduce((n, v) => n + v, 0);
        const top = [...unmatched.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 8);
        warnings.push(
          `${unmatched.size} dependency endpoint${unmatched.size === 1 ? '' : 's'} match no server in the inventory by name or IP (${total} connection end${total === 1 ? '' : 's'}): ${top.map(([k, v]) => `${k} ×${v}`).join(', ')}${unmatched.size > top.length ? `, and ${unmatched.size - top.length} more` : ''}. They are kept; import the inventory that lists them and they are matched.`,
        );
      }
    }
    const record = {
      id: importId,
      at: new Date().toISOString(),
      files: source.files,
      kind: source.kind,
      added: merged.added,
      updated: merged.updated,
      removed: merged.removed,
      skipped: skipped.length,
      ...(stamped.length ? { connections: stamped.length } : {}),
    };
    if (this.deps.project.document !== before) {
      throw new WorkbenchError('import-failed', 'The project changed while the import was running; import again.');
    }
    const next: ProjectDocument = { ...before, inventory: { servers: merged.servers, imports: [...before.inventory.imports, record], connections } };
    this.deps.project.commit(patch ? patch(next, importId) : next);
    return {
      importId,
      servers: incoming.length,
      added: merged.added,
      updated: merged.updated,
      unchanged: merged.unchanged,
      gone: merged.gone,
      removed: merged.removed,
      skipped: skipped.slice(0, SKIPPED_CAP),
      skippedTotal: skipped.length,
      warnings,
      connections: stamped.length,
      connectionsAdded: connMerge.added,
    };
  }

  /** Compact rows for the catalog table; cached per document version. */
  catalog(): { revision: number; rows: CatalogRow[] } {
    const doc = this.deps.project.document;
    if (this.rowsCache?.doc !== doc) this.rowsCache = { doc, rows: catalogRows(doc) };
    return { revision: this.deps.project.meta().revision, rows: this.rowsCache.rows };
  }

  server(id: string): Server {
    const s = this.deps.project.document.inventory.servers.find((x) => x.id === id);
    if (!s) throw new WorkbenchError('not-found', `No server with id ${id} in this project.`);
    return s;
  }

  async export(format: ExportFormat, path: string, ids?: string[], opts: { overwrite?: boolean } = {}): Promise<{ path: string; rows: number }> {
    const all = this.deps.project.document.inventory.servers;
    const pick = ids ? new Set(ids) : null;
    const servers = pick ? all.filter((s) => pick.has(s.id)) : all;
    if (servers.length === 0) throw new WorkbenchError('invalid-input', 'There are no servers to export.');
    return exportCatalog(format, path, servers, { ...opts, placement: plannedPlacements(this.deps.project.document.planning) });
  }
}
