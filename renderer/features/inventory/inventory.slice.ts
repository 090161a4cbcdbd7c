import type { CatalogRow, ImportReport } from '../../../main/common/model/inventory-import';
import type { Server } from '../../../main/common/model/server';
import type { ChannelArgs } from '../../../main/common/ipc/contract';
import { ClientError, invoke, onEvent } from '../../ipc/client';
import type { SliceCreator } from '../../store/types';
import { DEFAULT_COLUMNS, NO_FILTERS, type CatalogFilters, type ColumnKey, type SortSpec } from './catalog.selectors';

export type ExportFormat = ChannelArgs<'inventory.export'>['format'];

export type ImportState =
  | { phase: 'idle' }
  | { phase: 'running'; taskId: string; done: number; total: number | null; message: string }
  | { phase: 'done'; report: ImportReport }
  | { phase: 'failed'; code: string; message: string; details?: unknown };

export interface InventorySlice {
  catalog: { revision: number; rows: CatalogRow[] } | null;
  catalogError: string | null;
  filters: CatalogFilters;
  sort: SortSpec | null;
  columns: ColumnKey[];
  selectedIds: string[];
  detail: { id: string; server: Server | null; error: string | null } | null;
  importState: ImportState;
  importDialogOpen: boolean;
  exportDialogOpen: boolean;
  catalogRequested(revision: number): Promise<void>;
  filtersChanged(patch: Partial<CatalogFilters>): void;
  filtersCleared(): void;
  sortChanged(key: ColumnKey): void;
  columnsChanged(columns: ColumnKey[]): void;
  selectionChanged(ids: string[]): void;
  serverOpened(id: string | null): Promise<void>;
  importDialogToggled(open: boolean): void;
  importRequested(paths: string[], opts: { removeGone: boolean }): Promise<void>;
  importCancelled(): Promise<void>;
  /** The native multi-file dialog where the shell has one; null where it has not (browser shell). */
  importFilesPicked(): Promise<string[] | null>;
  importReset(): void;
  exportDialogToggled(open: boolean): void;
  /** Exports; `{ exists }` when the file is already there and `overwrite` was not given (the dialog asks). */
  exportRequested(format: ExportFormat, path: string, ids?: string[], overwrite?: boolean): Promise<{ path: string; rows: number } | { exists: string } | null>;
}

let taskCounter = 0;

export const createInventorySlice: SliceCreator<InventorySlice> = (set, get) => ({
  catalog: null,
  catalogError: null,
  filters: NO_FILTERS,
  sort: null,
  columns: DEFAULT_COLUMNS,
  selectedIds: [],
  detail: null,
  importState: { phase: 'idle' },
  importDialogOpen: false,
  exportDialogOpen: false,

  async catalogRequested(revision) {
    if (get().catalog?.revision === revision) return;
    try {
      const catalog = await invoke('inventory.catalog', {});
      performance.mark('mwb:catalog-data');
      const ids = new Set(catalog.rows.map((r) => r.id));
      set((s) => ({ catalog, catalogError: null, selectedIds: s.selectedIds.filter((id) => ids.has(id)), detail: s.detail && ids.has(s.detail.id) ? { ...s.detail, server: null } : null }));
      const d = get().detail;
      if (d) await get().serverOpened(d.id);
    } catch (err) {
      set({ catalogError: err instanceof Error ? err.message : String(err) });
    }
  },
  filtersChanged(patch) {
    performance.mark('mwb:filter-start');
    set((s) => ({ filters: { ...s.filters, ...patch } }));
  },
  filtersCleared() {
    performance.mark('mwb:filter-start');
    set({ filters: NO_FILTERS });
  },
  sortChanged(key) {
    set((s) => ({ sort: s.sort?.key === key ? (s.sort.dir === 'asc' ? { key, dir: 'desc' } : null) : { key, dir: 'asc' } }));
  },
  columnsChanged(columns) {
    set({ columns: columns.length ? columns : ['name'] });
  },
  selectionChanged(ids) {
    set({ selectedIds: ids });
  },
  async serverOpened(id) {
    if (!id) return set({ detail: null });
    set({ detail: { id, server: null, error: null } });
    try {
      const server = await invoke('inventory.server', { id });
      if (get().detail?.id === id) set({ detail: { id, server, error: null } });
    } catch (err) {
      if (get().detail?.id === id) set({ detail: { id, server: null, error: err instanceof Error ? err.message : String(err) } });
    }
  },
  importDialogToggled(open) {
    if (get().importState.phase === 'running') return set({ importDialogOpen: true });
    set({ importDialogOpen: open, ...(open ? {} : { importState: { phase: 'idle' } as ImportState }) });
  },
  async importRequested(paths, opts) {
    const taskId = `import-${Date.now()}-${++taskCounter}`;
    set({ importState: { phase: 'running', taskId, done: 0, total: null, message: 'Starting' } });
    const off = onEvent('task.progress', (p) => {
      const st = get().importState;
      if (p.taskId !== taskId || st.phase !== 'running' || p.state !== 'running') return;
      set({ importState: { ...st, done: p.done, total: p.total, message: p.message ?? st.message } });
    });
    try {
      const report = await invoke('inventory.import', { paths, taskId, ...(opts.removeGone ? { removeGone: true } : {}) });
      set({ importState: { phase: 'done', report } });
      get().noticeShown(
        'success',
        report.servers === 0 && report.connections > 0
          ? `Imported ${report.connections.toLocaleString('en-US')} dependencies: ${report.connectionsAdded} new.`
          : `Imported ${report.servers.toLocaleString('en-US')} servers: ${report.added} added, ${report.updated} updated${report.connections ? `; ${report.connections.toLocaleString('en-US')} dependencies` : ''}.`,
      );
    } catch (err) {
      const e = err instanceof ClientError ? err : null;
      set({ importState: { phase: 'failed', code: e?.code ?? 'internal', message: err instanceof Error ? err.message : String(err), details: e?.details } });
    } finally {
      off();
    }
  },
  async importCancelled() {
    const st = get().importState;
    if (st.phase === 'running') await invoke('tasks.cancel', { taskId: st.taskId }).catch(() => undefined);
  },
  async importFilesPicked() {
    const picked = await invoke('files.pick', { mode: 'open-multi', title: 'Import inventory', suffixes: ['.xlsx', '.xlsm', '.csv', '.zip', '.json'] }).catch(() => ({ supported: false, paths: [] as string[] }));
    return picked.supported ? picked.paths : null;
  },
  importReset() {
    set({ importState: { phase: 'idle' } });
  },
  exportDialogToggled(open) {
    set({ exportDialogOpen: open });
  },
  async exportRequested(format, path, ids, overwrite) {
    try {
      const res = await invoke('inventory.export', { format, path, ...(ids ? { ids } : {}), ...(overwrite ? { overwrite } : {}) });
      get().noticeShown('success', `Exported ${res.rows.toLocaleString('en-US')} servers to ${res.path}`);
      return res;
    } catch (err) {
      if (err instanceof ClientError && err.code === 'file-changed-on-disk' && (err.details as { reason?: string } | undefined)?.reason === 'exists') {
        return { exists: (err.details as { path?: string }).path ?? path };
      }
      get().noticeShown('error', err instanceof Error ? err.message : String(err));
      return null;
    }
  },
});
