import { useMemo } from 'react';
import { useWorkbench, useWorkbenchShallow } from '../../store';
import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { formatCount, formatMiB } from '../../ui/format';
import { CatalogTable } from './CatalogTable';
import { CatalogFilterBar } from './CatalogFilters';
import { ServerDetail } from './ServerDetail';
import { ImportDialog } from './ImportDialog';
import { ExportDialog } from './ExportDialog';
import { DiscoverDialog } from '../discovery/DiscoverDialog';
import { facets as facetsOf, filterRows, searchIndex, sortRows, totals as totalsOf } from './catalog.selectors';
import { useEffect } from 'react';
import { connectionsOf } from '../../../main/common/model/connections';
import './inventory.css';

/** Inventory: the server catalog of the project, with import and export. */
export function InventoryScreen() {
  const s = useWorkbenchShallow((s) => ({
    meta: s.meta,
    catalog: s.catalog,
    catalogError: s.catalogError,
    filters: s.filters,
    sort: s.sort,
    columns: s.columns,
    selectedIds: s.selectedIds,
    detail: s.detail,
    importDialogOpen: s.importDialogOpen,
    discoverDialogOpen: s.discoverDialogOpen,
    discoverDialogToggled: s.discoverDialogToggled,
    exportDialogOpen: s.exportDialogOpen,
    catalogRequested: s.catalogRequested,
    filtersChanged: s.filtersChanged,
    filtersCleared: s.filtersCleared,
    sortChanged: s.sortChanged,
    columnsChanged: s.columnsChanged,
    selectionChanged: s.selectionChanged,
    serverOpened: s.serverOpened,
    importDialogToggled: s.importDialogToggled,
    exportDialogToggled: s.exportDialogToggled,
    demoRequested: s.demoRequested,
    document: s.document,
  }));
  const revision = s.meta?.revision;
  const detailId = s.detail?.server?.id;
  const connections = s.document?.inventory.connections;
  const names = useMemo(() => (connections?.length ? new Map((s.document?.inventory.servers ?? []).map((x) => [x.id, x.name])) : null), [connections, s.document?.inventory.servers]);
  // Hidden (null) when the project has no dependency data at all.
  const detailConnections = useMemo(() => (detailId && connections?.length && names ? connectionsOf(detailId, connections, names) : null), [detailId, connections, names]);
  const { catalogRequested, serverOpened } = s;
  const detailOpen = !!s.detail;
  // Escape closes the server details (unless a dialog or a menu has it), and the catalog keeps the keyboard.
  useEffect(() => {
    if (!detailOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || useWorkbench.getState().dialog || document.querySelector('[aria-expanded="true"]')) return;
      void serverOpened(null);
      document.querySelector<HTMLElement>('[data-testid="catalog"]')?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [detailOpen, serverOpened]);
  useEffect(() => {
    if (revision !== undefined) void catalogRequested(revision);
  }, [revision, catalogRequested]);

  const rows = useMemo(() => s.catalog?.rows ?? [], [s.catalog]);
  const index = useMemo(() => searchIndex(rows), [rows]);
  const facets = useMemo(() => facetsOf(rows, index, s.filters), [rows, index, s.filters]);
  const filtered = useMemo(() => filterRows(rows, index, s.filters), [rows, index, s.filters]);
  const shown = useMemo(() => sortRows(filtered, s.sort), [filtered, s.sort]);
  const t = useMemo(() => totalsOf(shown), [shown]);
  const selected = useMemo(() => new Set(s.selectedIds), [s.selectedIds]);
  const shownIds = useMemo(() => shown.map((r) => r.id), [shown]);
  const sources = useMemo(() => new Set(rows.map((r) => r.source)).size, [rows]);

  const actions = (
    <>
      <button type="button" className="primary" onClick={() => s.importDialogToggled(true)}>
        Import…
      </button>
      <button type="button" onClick={() => s.discoverDialogToggled(true)}>
        Discover…
      </button>
      <button type="button" disabled={rows.length === 0} onClick={() => s.exportDialogToggled(true)}>
        Export…
      </button>
    </>
  );
  const dialogs = (
    <>
      {s.importDialogOpen ? <ImportDialog /> : null}
      {s.discoverDialogOpen ? <DiscoverDialog /> : null}
      {s.exportDialogOpen ? <ExportDialog shownIds={shownIds} /> : null}
    </>
  );
  if (s.catalog && rows.length === 0) {
    return (
      <div className="screen">
        <ScreenHeader title="Inventory" actions={actions} />
        <EmptyState
          icon="inventory"
          title="No servers in this project"
          actions={
            <>
              <button type="button" className="primary" onClick={() => s.importDialogToggled(true)}>
                Import inventory…
              </button>
              <button type="button" onClick={() => s.discoverDialogToggled(true)}>
                Discover servers…
              </button>
              <button type="button" onClick={() => void s.demoRequested()}>
                Open the demo estate
              </button>
            </>
          }
        >
          Import an RVTools export (xlsx, per-tab CSVs or a zip of them), an AWS Migration Hub or Azure Migrate CSV, a Cloud Migration Factory intake CSV or an AWS SMS GetServers JSON. Or discover them live from a vCenter, a libvirt host or Linux hosts over SSH. Everything stays on this machine.
        </EmptyState>
        {dialogs}
      </div>
    );
  }
  return (
    <div className="screen inventory-screen">
      <ScreenHeader title="Inventory" subtitle={s.catalog ? `${formatCount(rows.length)} servers from ${sources} source${sources === 1 ? '' : 's'}` : 'Loading…'} actions={actions} />
      {s.catalogError ? <div className="inline-error">{s.catalogError}</div> : null}
      <div className="totals totals-5" aria-label="Totals" data-testid="totals" aria-busy={!s.catalog}>
        <div><span className="total-value" data-testid="total-servers">{s.catalog ? formatCount(t.servers) : '…'}</span><span className="total-label">Servers{t.servers !== rows.length ? ` of ${formatCount(rows.length)}` : ''}</span></div>
        <div><span className="total-value" data-testid="total-vcpu">{s.catalog ? formatCount(t.vcpus) : '…'}</span><span className="total-label">vCPU</span></div>
        <div><span className="total-value">{s.catalog ? formatMiB(t.memoryMiB) : '…'}</span><span className="total-label">Memory</span></div>
        <div><span className="total-value">{s.catalog ? formatMiB(t.provisionedMiB) : '…'}</span><span className="total-label">Provisioned storage</span></div>
        <div><span className="total-value">{s.catalog ? formatMiB(t.usedMiB) : '…'}</span><span className="total-label">Used storage</span></div>
      </div>
      <CatalogFilterBar filters={s.filters} facets={facets} columns={s.columns} onChange={s.filtersChanged} onClear={s.filtersCleared} onColumns={s.columnsChanged} />
      <div className="catalog-area">
        <div className="catalog-main">
          <CatalogTable rows={shown} columns={s.columns} sort={s.sort} selected={selected} activeId={s.detail?.id ?? null} onSort={s.sortChanged} onSelect={s.selectionChanged} onOpen={(id) => void s.serverOpened(id)} />
          <div className="catalog-foot muted small" aria-live="polite">
            {formatCount(shown.length)} shown{s.selectedIds.length ? ` · ${formatCount(s.selectedIds.length)} selected` : ''} · click a row for details, Ctrl+click or Space to select, Shift+click for a range
          </div>
        </div>
        {s.detail ? <ServerDetail server={s.detail.server} error={s.detail.error} connections={detailConnections} onClose={() => void s.serverOpened(null)} /> : null}
      </div>
      {dialogs}
    </div>
  );
}
