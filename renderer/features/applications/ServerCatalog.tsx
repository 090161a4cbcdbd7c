import { memo, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useDndContext, useDraggable, useDroppable } from '@dnd-kit/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Server } from '../../../main/common/model/server';
import type { Placement } from '../../../main/common/model/planning';
import { useWorkbench, useWorkbenchShallow } from '../../store';
import { matchesQuery, selectPlacements } from './planning.selectors';

/** Two lines per server: the whole name first, its size and application under it. */
const ROW_HEIGHT = 46;
const NO_SERVERS: Server[] = [];
const NO_PLACEMENTS = new Map<string, Placement>();

export interface ServerDragData {
  type: 'servers';
  serverId: string;
}

/** Applies a click with the desktop conventions: plain = only this, Ctrl/Cmd = toggle, Shift = range from the anchor. */
export function clickSelection(e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }, id: string, ordered: readonly string[]): void {
  const s = useWorkbench.getState();
  const current = s.selectedServerIds;
  if (e.shiftKey && s.selectionAnchor) {
    const a = ordered.indexOf(s.selectionAnchor);
    const b = ordered.indexOf(id);
    if (a >= 0 && b >= 0) {
      const range = ordered.slice(Math.min(a, b), Math.max(a, b) + 1);
      const keep = e.ctrlKey || e.metaKey ? current.filter((x) => !range.includes(x)) : [];
      s.serverSelectionChanged([...keep, ...range]);
      return;
    }
  }
  if (e.ctrlKey || e.metaKey) {
    s.serverSelectionChanged(current.includes(id) ? current.filter((x) => x !== id) : [...current, id], id);
    return;
  }
  s.serverSelectionChanged([id], id);
}

const CatalogRow = memo(function CatalogRow({ server, placement, appName, selected, top, ordered }: { server: Server; placement: Placement | undefined; appName: string | undefined; selected: boolean; top: number; ordered: readonly string[] }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `srv:${server.id}`, data: { type: 'servers', serverId: server.id } satisfies ServerDragData });
  const onClick = (e: MouseEvent) => clickSelection(e, server.id, ordered);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      clickSelection({ shiftKey: e.shiftKey, ctrlKey: true, metaKey: false }, server.id, ordered);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const i = ordered.indexOf(server.id) + (e.key === 'ArrowDown' ? 1 : -1);
      const next = ordered[i];
      if (next) (document.querySelector(`[data-pool-row="${CSS.escape(next)}"]`) as HTMLElement | null)?.focus();
    } else listeners?.onKeyDown?.(e);
  };
  return (
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      onKeyDown={onKeyDown}
      onClick={onClick}
      role="option"
      aria-selected={selected}
      data-pool-row={server.id}
      className={`pool-row${selected ? ' selected' : ''}${isDragging ? ' dragging' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
    >
      <span className={`os-dot os-${server.os.family}`} aria-hidden />
      <span className="pool-name" title={server.name}>{server.name}</span>
      <span className="pool-spec muted">
        {server.cpu.vcpus} vCPU · {Math.round(server.memoryMiB / 1024)} GiB
      </span>
      {placement ? (
        <span className="pill pill-app" title={appName}>
          <span className="sr-only">in </span>
          {appName ?? 'an application'}
        </span>
      ) : (
        <span className="pill pill-free">not planned</span>
      )}
    </div>
  );
});

/** The inventory side: search, multi-select, virtualized rows; a drop target for servers dragged out of groups. */
export function ServerCatalog() {
  const { servers, planning, selected } = useWorkbenchShallow((s) => ({ servers: s.document?.inventory.servers ?? NO_SERVERS, planning: s.document?.planning, selected: s.selectedServerIds }));
  const [query, setQuery] = useState('');
  const [onlyFree, setOnlyFree] = useState(false);
  const placements = planning ? selectPlacements(planning, undefined) : NO_PLACEMENTS;
  const appNames = useMemo(() => new Map((planning?.applications ?? []).map((a) => [a.id, a.name])), [planning?.applications]);
  const visible = useMemo(() => servers.filter((s) => matchesQuery(s, query) && (!onlyFree || !placements.has(s.id))), [servers, query, onlyFree, placements]);
  const ordered = useMemo(() => visible.map((s) => s.id), [visible]);
  const selectedSet = useMemo(() => new Set(selected), [selected]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  // Only servers can be dropped here; a launch group being reordered must not land on the list.
  const { active } = useDndContext();
  const { setNodeRef, isOver } = useDroppable({ id: 'catalog', data: { type: 'catalog' }, disabled: active?.data.current?.type === 'group' });
  const select = useWorkbench((s) => s.serverSelectionChanged);

  return (
    <section className={`panel catalog${isOver ? ' drop-over' : ''}`} aria-label="Servers" ref={setNodeRef}>
      <div className="panel-head">
        <h2>Servers</h2>
        <span className="muted small" data-testid="pool-count">
          {visible.length} of {servers.length}
          {selected.length ? ` · ${selected.length} selected` : ''}
        </span>
      </div>
      <div className="pool-tools">
        <input type="search" placeholder="Search name, OS, folder, IP, tag" aria-label="Search servers" value={query} onChange={(e) => setQuery(e.target.value)} />
        <label className="check-inline">
          <input type="checkbox" checked={onlyFree} onChange={(e) => setOnlyFree(e.target.checked)} /> Not planned only
        </label>
        <div className="pool-select-actions">
          <button type="button" className="link-button" onClick={() => select(ordered, ordered[0] ?? null)} disabled={!ordered.length}>
            Select all shown
          </button>
          <button type="button" className="link-button" onClick={() => select([], null)} disabled={!selected.length}>
            Clear
          </button>
        </div>
      </div>
      <div className="pool-list" ref={scrollRef} role="listbox" aria-multiselectable aria-label="Server list" tabIndex={-1}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const s = visible[v.index]!;
            const p = placements.get(s.id);
            return <CatalogRow key={s.id} server={s} placement={p} appName={p ? appNames.get(p.applicationId) : undefined} selected={selectedSet.has(s.id)} top={v.start} ordered={ordered} />;
          })}
        </div>
        {visible.length === 0 ? <p className="muted pool-empty">{servers.length ? 'No server matches.' : 'The inventory is empty: import servers first.'}</p> : null}
      </div>
      <p className="muted small pool-hint">Click, Ctrl+click, Shift+click to select. Drag (or Space, arrows, Space) into a launch group; drag back here to take servers out.</p>
    </section>
  );
}
