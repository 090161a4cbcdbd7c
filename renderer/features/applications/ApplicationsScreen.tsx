import { useEffect, useState } from 'react';
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  pointerWithin,
  closestCorners,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
  type DragOverEvent,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { useWorkbench, useWorkbenchShallow } from '../../store';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { EmptyState } from '../../ui/EmptyState';
import { ServerCatalog, type ServerDragData } from './ServerCatalog';
import { ApplicationBoard, type GroupDragData } from './ApplicationBoard';
import { LaunchSettingsPanel } from './LaunchSettingsPanel';
import { ApplicationSettingsPanel } from './ApplicationSettingsPanel';
import { SuggestionsDialog } from './SuggestionsDialog';
import { badgeOf, selectProblemCounts } from './planning.selectors';
import './applications.css';

/**
 * Arrow keys while carrying servers step through the drop targets in screen order (the server list, then
 * the launch groups top to bottom): Down and Right go to the next, Up and Left to the previous. Groups
 * being reordered use dnd-kit's sortable moves.
 */
const keyboardCoordinates: KeyboardCoordinateGetter = (event, args) => {
  const { active, droppableRects, droppableContainers, over } = args.context;
  if (active?.data.current?.type === 'group') return sortableKeyboardCoordinates(event, args);
  if (!['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight'].includes(event.code)) return undefined;
  event.preventDefault();
  if (!active) return undefined;
  const targets: { id: string; rect: { left: number; top: number } }[] = [];
  droppableContainers.getEnabled().forEach((c) => {
    const r = droppableRects.get(c.id);
    const id = String(c.id);
    if (r && (id === 'catalog' || id.startsWith('group:'))) targets.push({ id, rect: r });
  });
  // Screen order: the server list first (it is on the left), then the groups as they stand on the board.
  targets.sort((a, b) => Number(b.id === 'catalog') - Number(a.id === 'catalog') || a.rect.top - b.rect.top || a.rect.left - b.rect.left);
  const at = targets.findIndex((t) => t.id === String(over?.id ?? 'catalog'));
  const step = event.code === 'ArrowDown' || event.code === 'ArrowRight' ? 1 : -1;
  const target = targets[Math.min(targets.length - 1, Math.max(0, (at < 0 ? 0 : at) + step))];
  if (!target || target.id === String(over?.id)) return undefined;
  // Land just inside the target's top edge, where its header is.
  return { x: target.rect.left + 12, y: target.rect.top + 8 };
};

type DragState = { kind: 'servers'; serverIds: string[]; label: string } | { kind: 'group'; groupId: string; label: string } | null;

function groupIdOf(overId: string | number | undefined): string | null {
  return typeof overId === 'string' && overId.startsWith('group:') ? overId.slice('group:'.length) : null;
}

/** Plan applications: drag servers into ordered launch groups, reorder groups, edit launch settings. */
export function ApplicationsScreen() {
  const s = useWorkbenchShallow((st) => ({
    doc: st.document,
    activeId: st.activeApplicationId,
    catalog: st.instanceTypes,
    selected: st.selectedServerIds,
    select: st.applicationSelected,
    addApp: st.applicationAdded,
    loadTypes: st.instanceTypesRequested,
    warmUp: st.validatorWarmUpRequested,
    focus: st.problemFocus,
  }));
  const [drag, setDrag] = useState<DragState>(null);
  const [overGroup, setOverGroup] = useState<string | null>(null);
  const [tab, setTab] = useState<'launch' | 'app'>('launch');
  const [suggesting, setSuggesting] = useState(false);
  const [newName, setNewName] = useState('');

  useEffect(() => {
    void s.loadTypes();
    s.warmUp();
  }, []);
  const apps = s.doc?.planning.applications ?? [];
  const app = apps.find((a) => a.id === s.activeId) ?? apps[0];
  useEffect(() => {
    if (app && app.id !== s.activeId) s.select(app.id);
  }, [app?.id]);
  useEffect(() => setTab(s.selected.length ? 'launch' : 'app'), [s.selected.length > 0]);
  // A problem opened from a list shows the form that fixes it.
  useEffect(() => {
    if (s.focus?.target === 'application') setTab('app');
    else if (s.focus?.target === 'launch') setTab('launch');
  }, [s.focus]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates, keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space', 'Enter'] } }),
  );
  const collision: CollisionDetection = (args) => {
    if (args.active.data.current?.type === 'group') return closestCenter({ ...args, droppableContainers: args.droppableContainers.filter((c) => String(c.id).startsWith('group:')) });
    const hits = pointerWithin(args);
    return hits.length ? hits : closestCorners(args);
  };
  const groupName = (id: string | null) => (id ? app?.groups.find((g) => g.id === id)?.name ?? null : null);

  /** What is being dragged, worked out from the drag itself (state set in onDragStart is not there yet for the first announcement). */
  const describe = (active: { data: { current?: unknown } }): DragState => {
    const data = active.data.current as ServerDragData | GroupDragData | undefined;
    const st = useWorkbench.getState();
    if (data?.type === 'servers') {
      const sel = st.selectedServerIds;
      // Dragging a selected row carries the whole selection; any other row goes alone.
      const ids = sel.includes(data.serverId) ? sel : [data.serverId];
      const name = st.document?.inventory.servers.find((x) => x.id === data.serverId)?.name ?? data.serverId;
      return { kind: 'servers', serverIds: ids, label: ids.length === 1 ? `server ${name}` : `${ids.length} servers` };
    }
    if (data?.type === 'group') {
      const g = st.document?.planning.applications.find((a) => a.id === data.applicationId)?.groups.find((x) => x.id === data.groupId);
      return { kind: 'group', groupId: data.groupId, label: `launch group ${g?.name ?? ''}` };
    }
    return null;
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => {
      const d = describe(active);
      return d ? `Picked up ${d.label}. Use the arrow keys to move it over a launch group, Space to drop, Escape to cancel.` : undefined;
    },
    onDragOver: ({ active, over }) => {
      const d = describe(active);
      const g = groupName(groupIdOf(over?.id));
      if (!d) return undefined;
      // Still over where it came from: keep the pick-up instructions instead of talking over them.
      const origin = String(active.id).startsWith('srv:') ? 'catalog' : String(active.id).startsWith('gsrv:') ? `group:${String(active.id).split(':')[1]}` : null;
      if (over?.id === origin || over?.id === active.id) return undefined;
      if (over?.id === 'catalog') return `${d.label} over the server list: dropping takes them out of their group.`;
      return g ? `${d.label} over launch group ${g}.` : `${d.label} is not over a launch group.`;
    },
    onDragEnd: ({ active, over }) => {
      const d = describe(active);
      const g = groupName(groupIdOf(over?.id));
      if (!d) return undefined;
      if (over?.id === 'catalog') return d.kind === 'servers' ? `Dropped ${d.label} on the server list: taken out of their groups.` : undefined;
      return g ? `Dropped ${d.label} ${d.kind === 'group' ? 'at the position of' : 'into'} launch group ${g}.` : `${d.label} dropped outside any group: nothing changed.`;
    },
    onDragCancel: ({ active }) => {
      const d = describe(active);
      return d ? `Cancelled: ${d.label} did not move.` : undefined;
    },
  };

  if (!s.doc) return <div className="loading">Loading project…</div>;

  const onDragStart = (e: DragStartEvent) => setDrag(describe(e.active));
  const onDragOver = (e: DragOverEvent) => setOverGroup(groupIdOf(e.over?.id));
  const onDragEnd = (e: DragEndEvent) => {
    const st = useWorkbench.getState();
    const target = groupIdOf(e.over?.id);
    if (drag?.kind === 'servers' && app) {
      if (target) void st.serversDroppedOnGroup(drag.serverIds, app.id, target);
      else if (e.over?.id === 'catalog') void st.serversDroppedOnCatalog(drag.serverIds);
    } else if (drag?.kind === 'group' && app && target && target !== drag.groupId) {
      void st.groupReordered(app.id, drag.groupId, app.groups.findIndex((g) => g.id === target));
    }
    setDrag(null);
    setOverGroup(null);
  };

  const counts = selectProblemCounts(s.doc, s.catalog);
  const dropHint = drag?.kind === 'servers' ? (overGroup ? `Drop ${drag.label} into ${groupName(overGroup)}` : `Move ${drag.label} over a launch group`) : null;

  return (
    <div className="screen applications-screen">
      <ScreenHeader
        title="Applications"
        subtitle="Group servers into applications, order their launch groups, and set how each server launches on EC2."
        actions={
          <>
            <button type="button" onClick={() => setSuggesting(true)}>
              Suggest…
            </button>
          </>
        }
      />
      <DndContext sensors={sensors} collisionDetection={collision} onDragStart={onDragStart} onDragOver={onDragOver} onDragEnd={onDragEnd} onDragCancel={() => (setDrag(null), setOverGroup(null))} accessibility={{ announcements, screenReaderInstructions: { draggable: 'To pick up a server or a launch group, press Space. Arrow keys move it over a launch group; Space drops it, Escape cancels. Enter selects a server, Shift+Enter extends the selection.' } }}>
        <div className="plan-layout">
          <ServerCatalog />
          <section className="panel apps" aria-label="Applications and launch groups">
            <div className="panel-head app-tabs">
              <div className="app-tablist" role="tablist" aria-label="Applications">
                {apps.map((a) => {
                  // Same count as the group and server badges: errors in red; else ✓ (exportable) with the warnings in amber.
                  const b = badgeOf(counts.app(a.id));
                  return (
                    <button key={a.id} type="button" role="tab" aria-selected={a.id === app?.id} className={`app-tab${a.id === app?.id ? ' on' : ''}`} onClick={() => s.select(a.id)}>
                      {a.name}
                      <span className={`tab-badge${b?.tone === 'error' ? ' bad' : b ? ' warn' : ' good'}`} aria-label={b?.tone === 'error' ? b.label : b ? `ready, ${b.label}` : 'ready'}>
                        {b?.tone === 'error' ? b.count : b ? `✓ ${b.count}` : '✓'}
                      </span>
                    </button>
                  );
                })}
              </div>
              <form
                className="new-app"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (newName.trim()) void s.addApp(newName.trim()).then(() => setNewName(''));
                }}
              >
                <input aria-label="New application name" placeholder="New application" value={newName} onChange={(e) => setNewName(e.target.value)} />
                <button type="submit" disabled={!newName.trim()} aria-label="Add application">
                  Add
                </button>
              </form>
            </div>
            {app ? (
              <ApplicationBoard app={app} dropHint={dropHint} />
            ) : (
              <EmptyState icon="applications" title="No applications yet">
                Name one above, or let the workbench suggest applications from folders, tags, naming patterns or observed dependencies.
              </EmptyState>
            )}
          </section>
          <section className="panel settings" aria-label="Settings">
            <div className="panel-head settings-tabs" role="tablist">
              <button type="button" role="tab" aria-selected={tab === 'launch'} className={tab === 'launch' ? 'on' : ''} onClick={() => setTab('launch')}>
                Launch settings{s.selected.length ? ` (${s.selected.length})` : ''}
              </button>
              <button type="button" role="tab" aria-selected={tab === 'app'} className={tab === 'app' ? 'on' : ''} onClick={() => setTab('app')} disabled={!app}>
                Application
              </button>
            </div>
            <div className="settings-body">{tab === 'launch' || !app ? <LaunchSettingsPanel /> : <ApplicationSettingsPanel app={app} />}</div>
          </section>
        </div>
        <DragOverlay dropAnimation={null}>{drag ? <div className="drag-overlay">{drag.kind === 'servers' ? `${drag.serverIds.length} server${drag.serverIds.length === 1 ? '' : 's'}` : drag.label}</div> : null}</DragOverlay>
      </DndContext>
      {suggesting ? <SuggestionsDialog onClose={() => setSuggesting(false)} /> : null}
    </div>
  );
}
