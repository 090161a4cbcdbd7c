import { memo, useState, type KeyboardEvent } from 'react';
import { useDraggable } from '@dnd-kit/core';
import { SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { Application, LaunchGroup } from '../../../main/common/model/planning';
import type { Server } from '../../../main/common/model/server';
import type { PlanIssue } from '../../../main/common/assess/plan-validation';
import { useWorkbench, useWorkbenchShallow } from '../../store';
import { Icon } from '../../ui/icons';
import { badgeOf, selectPlanIssues, selectProblemCounts, selectServersById, type ProblemCount } from './planning.selectors';
import { clickSelection, type ServerDragData } from './ServerCatalog';

/** Rows shown per group; the rest are counted (the catalog reaches every server). */
const GROUP_ROWS = 60;
// Stable empties: selectors must not return a new object on every call.
const NO_SERVERS = new Map<string, Server>();
const NO_ISSUES: PlanIssue[] = [];
const NO_COUNTS = { server: () => ({ errors: 0, warnings: 0 }), group: () => ({ errors: 0, warnings: 0 }), app: () => ({ errors: 0, warnings: 0 }) };

export interface GroupDragData {
  type: 'group';
  groupId: string;
  applicationId: string;
}

const MemberRow = memo(function MemberRow({ server, groupId, selected, ordered, errors, warnings }: { server: Server; groupId: string; selected: boolean; ordered: readonly string[] } & ProblemCount) {
  const badge = badgeOf({ errors, warnings });
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `gsrv:${groupId}:${server.id}`, data: { type: 'servers', serverId: server.id } satisfies ServerDragData });
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      clickSelection({ shiftKey: e.shiftKey, ctrlKey: true, metaKey: false }, server.id, ordered);
    } else listeners?.onKeyDown?.(e);
  };
  return (
    <li
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      onKeyDown={onKeyDown}
      onClick={(e) => clickSelection(e, server.id, ordered)}
      role="option"
      aria-selected={selected}
      className={`member-row${selected ? ' selected' : ''}${isDragging ? ' dragging' : ''}`}
    >
      <span className={`os-dot os-${server.os.family}`} aria-hidden />
      <span className="member-name">{server.name}</span>
      {badge ? (
        <>
          {/* The option's name is its text: the count is read as words, the visible badge is not read twice. */}
          <span className="sr-only">, {badge.label}</span>
          <span className={`issue-badge${badge.tone === 'error' ? '' : ' warn'}`} title={`${badge.label}: select to see them`} aria-hidden>
            {badge.count}
          </span>
        </>
      ) : null}
    </li>
  );
});

function GroupCard({ app, group, index, dropHint }: { app: Application; group: LaunchGroup; index: number; dropHint: string | null }) {
  const { servers, selected, counts } = useWorkbenchShallow((s) => ({
    servers: s.document ? selectServersById(s.document.inventory.servers, undefined) : NO_SERVERS,
    selected: s.selectedServerIds,
    counts: s.document ? selectProblemCounts(s.document, s.instanceTypes) : NO_COUNTS,
  }));
  const { groupRenamed, groupDeleted } = useWorkbenchShallow((s) => ({ groupRenamed: s.groupRenamed, groupDeleted: s.groupDeleted }));
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging, isOver } = useSortable({
    id: `group:${group.id}`,
    data: { type: 'group', groupId: group.id, applicationId: app.id } satisfies GroupDragData,
  });
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(group.name);
  const selectedSet = new Set(selected);
  const shown = group.serverIds.slice(0, GROUP_ROWS);
  const badge = badgeOf(counts.group(app.id, group.id));
  const commitName = () => {
    setEditing(false);
    const next = name.trim();
    if (next && next !== group.name) void groupRenamed(app.id, group.id, next);
    else setName(group.name);
  };
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={`group-card${isDragging ? ' dragging' : ''}${isOver && dropHint ? ' drop-over' : ''}`}
      data-testid={`group-${group.name}`}
      aria-label={`Launch group ${index + 1}: ${group.name}, ${group.serverIds.length} servers`}
    >
      <div className="group-head">
        <button type="button" className="drag-handle" ref={setActivatorNodeRef} {...attributes} {...listeners} aria-label={`Reorder launch group ${group.name}`} aria-roledescription="sortable launch group">
          ⋮⋮
        </button>
        <span className="group-order" aria-hidden>
          {index + 1}
        </span>
        {editing ? (
          <input className="group-name-input" aria-label="Group name" value={name} autoFocus onChange={(e) => setName(e.target.value)} onBlur={commitName} onKeyDown={(e) => (e.key === 'Enter' ? commitName() : e.key === 'Escape' ? (setName(group.name), setEditing(false)) : undefined)} />
        ) : (
          <button type="button" className="group-name" onDoubleClick={() => setEditing(true)} onClick={() => useWorkbench.getState().serverSelectionChanged([...group.serverIds], group.serverIds[0] ?? null)} title="Click to select its servers; double-click to rename">
            {group.name}
          </button>
        )}
        <span className="group-count" data-testid="group-count">
          {group.serverIds.length} server{group.serverIds.length === 1 ? '' : 's'}
        </span>
        {badge ? (
          <span className={`issue-badge${badge.tone === 'error' ? '' : ' warn'}`} title={`${badge.label} in this group`} aria-label={`${badge.label} in this group`}>
            {badge.count}
          </span>
        ) : null}
        <button type="button" className="icon-button" aria-label={`Rename group ${group.name}`} onClick={() => setEditing(true)}>
          <Icon name="props" size={14} />
        </button>
        <button type="button" className="icon-button" aria-label={`Delete group ${group.name}`} onClick={() => void groupDeleted(app.id, group.id)}>
          <Icon name="close" size={14} />
        </button>
      </div>
      {group.serverIds.length === 0 ? (
        <p className="group-empty muted">Drop servers here.</p>
      ) : (
        <ul className="member-list" role="listbox" aria-multiselectable="true" aria-label={`Servers in ${group.name}`}>
          {shown.map((id) => {
            const s = servers.get(id);
            const c = counts.server(id);
            return s ? <MemberRow key={id} server={s} groupId={group.id} selected={selectedSet.has(id)} ordered={group.serverIds} errors={c.errors} warnings={c.warnings} /> : null;
          })}
        </ul>
      )}
      {group.serverIds.length > shown.length ? <p className="member-more muted">and {group.serverIds.length - shown.length} more</p> : null}
    </li>
  );
}

/** The active application's launch groups, in launch order; each group is a drop target and can be dragged to reorder. */
export function ApplicationBoard({ app, dropHint }: { app: Application; dropHint: string | null }) {
  const { groupAdded, open, issues, count } = useWorkbenchShallow((s) => ({
    groupAdded: s.groupAdded,
    open: s.problemOpened,
    issues: (s.document ? selectPlanIssues(s.document, s.instanceTypes).byApp.get(app.id) : undefined) ?? NO_ISSUES,
    count: s.document ? selectProblemCounts(s.document, s.instanceTypes).app(app.id) : NO_COUNTS.app(),
  }));
  const appIssues = issues.filter((i) => !i.serverId && !i.groupId);
  const serverErrors = issues.filter((i) => i.serverId && i.severity === 'error').length;
  return (
    <div className="board">
      {/*
        The hint stays at the top of the board, where the dragged chip (over a group) does not cover it. It is drawn
        over the board's top and takes no room (applications.css): taking room, it pushed every group down as a drag
        began, under the pointer that was aiming at one.
      */}
      {dropHint ? (
        <div className="drop-hint" data-testid="drop-hint">
          {dropHint}
        </div>
      ) : null}
      <div className="board-status" role="status">
        {appIssues.map((i, n) => (
          <p key={n} className={`issue issue-${i.severity}`}>
            <Icon name="warning" size={14} /> {i.message} <span className="issue-fix">{i.fix}</span>{' '}
            {i.fromDefaults ? (
              <button type="button" className="link-button" onClick={() => open(i)}>
                Set project defaults
              </button>
            ) : null}
          </p>
        ))}
        {serverErrors ? (
          <p className="issue issue-error">
            <Icon name="warning" size={14} /> {serverErrors} launch-setting error{serverErrors === 1 ? '' : 's'} in this application: select a server with a red badge to see what to fix.
          </p>
        ) : count.errors === 0 ? (
          <p className="issue issue-ok">
            Ready to export{count.warnings ? `, with ${count.warnings} warning${count.warnings === 1 ? '' : 's'} (amber badges)` : ': every server has complete launch settings'}.
          </p>
        ) : null}
      </div>
      <SortableContext items={app.groups.map((g) => `group:${g.id}`)} strategy={verticalListSortingStrategy}>
        <ol className="group-list" aria-label="Launch order">
          {app.groups.map((g, i) => (
            <GroupCard key={g.id} app={app} group={g} index={i} dropHint={dropHint} />
          ))}
        </ol>
      </SortableContext>
      <button type="button" className="add-group" onClick={() => void groupAdded(app.id, `Group ${app.groups.length + 1}`)}>
        + Add launch group
      </button>
    </div>
  );
}
