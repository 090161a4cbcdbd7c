import { memo, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import type { Application, Wave } from '../../../main/common/model/planning';
import { applicationServerIds } from '../../../main/common/model/planning';
import { importedWaveNames, waveDates, waveLanes, type WaveLane, type WaveTotals } from '../../../main/common/assess/waves';
import { READINESS_LABEL, type Readiness } from '../../../main/common/assess/readiness';
import type { AssessmentResult } from '../../../main/common/assess/assess';
import { useWorkbench, useWorkbenchShallow } from '../../store';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { EmptyState } from '../../ui/EmptyState';
import { Icon } from '../../ui/icons';
import { formatCount } from '../../ui/format';
import { useAssessment } from '../assessment/assessment.hooks';
import { formatUsd } from '../assessment/assessment.format';
import './waves.css';

/** Droppable id of a lane: `lane:<wave id>`, or `lane:` for the applications in no wave. */
const laneId = (wave: Wave | null) => `lane:${wave?.id ?? ''}`;
const waveIdOfLane = (id: string | number | undefined | null): string | null | undefined =>
  typeof id === 'string' && id.startsWith('lane:') ? id.slice('lane:'.length) || null : undefined;

const READINESS_ORDER: Readiness[] = ['ready', 'conditional', 'not-ready', 'unknown'];
const NO_WAVE = 'Not in a wave';

/**
 * Arrow keys while carrying an application step through the lanes in board order (left to right):
 * Right and Down go to the next lane, Left and Up to the previous one.
 */
const keyboardCoordinates: KeyboardCoordinateGetter = (event, { context }) => {
  const { active, droppableRects, droppableContainers, over } = context;
  if (!['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight'].includes(event.code)) return undefined;
  event.preventDefault();
  if (!active) return undefined;
  const lanes: { id: string; left: number; top: number }[] = [];
  droppableContainers.getEnabled().forEach((c) => {
    const r = droppableRects.get(c.id);
    if (r && String(c.id).startsWith('lane:')) lanes.push({ id: String(c.id), left: r.left, top: r.top });
  });
  lanes.sort((a, b) => a.left - b.left || a.top - b.top);
  const from = active.data.current as { laneId?: string } | undefined;
  const at = lanes.findIndex((l) => l.id === String(over?.id ?? from?.laneId));
  const step = event.code === 'ArrowRight' || event.code === 'ArrowDown' ? 1 : -1;
  const target = lanes[Math.min(lanes.length - 1, Math.max(0, (at < 0 ? 0 : at) + step))];
  if (!target) return undefined;
  // The lane may be scrolled out of the board: bring it into view, then land inside its header.
  document.querySelector(`[data-lane="${CSS.escape(target.id)}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const r = droppableRects.get(target.id);
  return r ? { x: r.left + 16, y: r.top + 16 } : undefined;
};

function readinessWords(r: Record<Readiness, number>): string {
  const parts = READINESS_ORDER.filter((k) => r[k]).map((k) => `${r[k]} ${READINESS_LABEL[k].toLowerCase()}`);
  return parts.length ? parts.join(', ') : 'no servers';
}

function ReadinessBar({ readiness, label }: { readiness: Record<Readiness, number>; label: string }) {
  const total = READINESS_ORDER.reduce((n, k) => n + readiness[k], 0);
  return (
    <div className="wave-readiness" role="img" aria-label={`${label}: ${readinessWords(readiness)}`}>
      {total
        ? READINESS_ORDER.filter((k) => readiness[k]).map((k) => <span key={k} className={`rd rd-${k}`} style={{ flexGrow: readiness[k] }} title={`${READINESS_LABEL[k]}: ${readiness[k]}`} />)
        : <span className="rd rd-empty" />}
    </div>
  );
}

function Totals({ t, name, assessed }: { t: WaveTotals; name: string; assessed: boolean }) {
  return (
    <div className="wave-totals" aria-label={`Totals of ${name}`} role="group">
      <dl>
        <div><dt>Servers</dt><dd data-testid="wave-servers">{formatCount(t.servers)}</dd></div>
        <div><dt>vCPU</dt><dd data-testid="wave-vcpu">{formatCount(t.vcpu)}</dd></div>
        <div><dt>Memory</dt><dd data-testid="wave-memory">{formatCount(Math.round(t.memoryGiB))} GiB</dd></div>
        <div><dt>Storage</dt><dd data-testid="wave-storage">{t.storageTiB.toFixed(2)} TiB</dd></div>
        <div className="wide"><dt>EC2 per month</dt><dd data-testid="wave-cost">{t.monthlyUsd === null ? (assessed ? '—' : 'Loading…') : formatUsd(t.monthlyUsd)}</dd></div>
      </dl>
      <ReadinessBar readiness={t.readiness} label={`Readiness of ${name}`} />
      <p className="wave-readiness-text muted">{readinessWords(t.readiness)}</p>
    </div>
  );
}

interface CardData {
  type: 'application';
  applicationId: string;
  laneId: string;
}

const AppCard = memo(function AppCard({ app, lane, result }: { app: Application; lane: string; result: AssessmentResult | null }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `app:${app.id}`, data: { type: 'application', applicationId: app.id, laneId: lane } satisfies CardData });
  const servers = applicationServerIds(app).length;
  const totals = result?.byApplication.find((a) => a.id === app.id);
  return (
    <li className="wave-card-item">
      <div ref={setNodeRef} className={`wave-card${isDragging ? ' dragging' : ''}`} data-testid={`wave-card-${app.name}`} {...attributes} {...listeners} aria-roledescription="application card">
        <span className="wave-card-name">{app.name}</span>
        <span className="wave-card-spec muted">
          {servers} server{servers === 1 ? '' : 's'}
          {totals ? ` · ${formatUsd(totals.monthlyUsd)} per month` : ''}
        </span>
      </div>
    </li>
  );
});

function DateField({ label, value, onCommit }: { label: string; value: string | undefined; onCommit: (v: string | null) => void }) {
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  const commit = () => {
    if (draft === (value ?? '')) return;
    onCommit(draft || null);
  };
  return <input type="date" aria-label={label} value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />;
}

function LaneHeader({ lane, count, result }: { lane: WaveLane; count: number; result: AssessmentResult | null }) {
  const s = useWorkbenchShallow((st) => ({ update: st.waveUpdated, move: st.waveMoved, remove: st.waveDeleted }));
  const wave = lane.wave;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(wave?.name ?? '');
  const [dateError, setDateError] = useState<string | null>(null);
  useEffect(() => setName(wave?.name ?? ''), [wave?.name]);
  const title = wave?.name ?? NO_WAVE;
  if (!wave) {
    return (
      <div className="wave-head">
        <h2 className="wave-title">{NO_WAVE}</h2>
        <p className="muted wave-dates-text">Applications not planned into a wave yet.</p>
        <Totals t={lane.totals} name={NO_WAVE} assessed={!!result} />
      </div>
    );
  }
  const saveName = () => {
    setRenaming(false);
    const next = name.trim();
    if (next && next !== wave.name) void s.update(wave.id, { name: next });
    else setName(wave.name);
  };
  const onNameKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') saveName();
    if (e.key === 'Escape') {
      setName(wave.name);
      setRenaming(false);
    }
  };
  const setDate = (key: 'startDate' | 'endDate', v: string | null) => {
    const start = key === 'startDate' ? v : wave.startDate;
    const end = key === 'endDate' ? v : wave.endDate;
    if (start && end && end < start) {
      setDateError(`${title} cannot end before it starts.`);
      return;
    }
    setDateError(null);
    void s.update(wave.id, { [key]: v });
  };
  const n = lane.number!;
  return (
    <div className="wave-head">
      <div className="wave-title-row">
        <span className="wave-number" aria-hidden="true">{n}</span>
        {renaming ? (
          <input className="wave-name-input" aria-label={`Name of wave ${n}`} value={name} autoFocus onChange={(e) => setName(e.target.value)} onBlur={saveName} onKeyDown={onNameKey} maxLength={200} />
        ) : (
          <h2 className="wave-title">
            <button type="button" className="wave-name" onClick={() => setRenaming(true)} aria-label={`Rename ${title}`} title="Rename">
              {title}
            </button>
          </h2>
        )}
      </div>
      <div className="wave-tools">
        <button type="button" className="wave-icon-btn" aria-label={`Move ${title} earlier`} title="Move earlier" disabled={n === 1} onClick={() => void s.move(wave.id, n - 2)}>
          ◀
        </button>
        <button type="button" className="wave-icon-btn" aria-label={`Move ${title} later`} title="Move later" disabled={n === count} onClick={() => void s.move(wave.id, n)}>
          ▶
        </button>
        <button type="button" className="wave-icon-btn wave-delete" aria-label={`Delete ${title}`} title="Delete wave" onClick={() => void s.remove(wave.id)}>
          <Icon name="close" size={14} />
        </button>
      </div>
      <div className="wave-dates">
        <label>
          <span>Start</span>
          <DateField label={`Start of ${title}`} value={wave.startDate} onCommit={(v) => setDate('startDate', v)} />
        </label>
        <label>
          <span>End</span>
          <DateField label={`End of ${title}`} value={wave.endDate} onCommit={(v) => setDate('endDate', v)} />
        </label>
      </div>
      {dateError ? <p className="inline-error" role="alert">{dateError}</p> : <p className="muted wave-dates-text">{waveDates(wave) || 'No dates yet'}</p>}
      <Totals t={lane.totals} name={title} assessed={!!result} />
    </div>
  );
}

function Lane({ lane, count, result, over }: { lane: WaveLane; count: number; result: AssessmentResult | null; over: boolean }) {
  const id = laneId(lane.wave);
  const { setNodeRef } = useDroppable({ id });
  const title = lane.wave?.name ?? NO_WAVE;
  return (
    <section ref={setNodeRef} className={`wave-lane${over ? ' drop-over' : ''}${lane.wave ? '' : ' no-wave'}`} data-lane={id} data-testid={`wave-lane-${title}`} aria-label={lane.wave ? `Wave ${lane.number}: ${title}` : NO_WAVE}>
      <LaneHeader lane={lane} count={count} result={result} />
      {lane.applications.length ? (
        <ul className="wave-cards" aria-label={`Applications in ${title}`}>
          {lane.applications.map((a) => (
            <AppCard key={a.id} app={a} lane={id} result={result} />
          ))}
        </ul>
      ) : (
        <p className="wave-empty muted">Drag applications here.</p>
      )}
    </section>
  );
}

/** The Waves board: waves as lanes in plan order, applications as cards moved between them. */
export function WavesScreen() {
  const s = useWorkbenchShallow((st) => ({
    doc: st.document,
    create: st.waveCreated,
    moveApps: st.applicationsMovedToWave,
    adopt: st.importedWavesAdopted,
    areaSelected: st.areaSelected,
  }));
  const { result } = useAssessment();
  const [newName, setNewName] = useState('');
  const [dragging, setDragging] = useState<{ applicationId: string; name: string } | null>(null);
  const [overLane, setOverLane] = useState<string | null>(null);
  const lanes = useMemo(() => (s.doc ? waveLanes(s.doc, result) : []), [s.doc?.inventory, s.doc?.planning, result]);
  const imported = useMemo(() => (s.doc ? importedWaveNames(s.doc) : []), [s.doc?.inventory, s.doc?.planning]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates, keyboardCodes: { start: ['Space', 'Enter'], cancel: ['Escape'], end: ['Space', 'Enter'] } }),
  );
  const collision: CollisionDetection = (args) => {
    const hits = pointerWithin(args);
    return hits.length ? hits : rectIntersection(args);
  };

  const appName = (active: { data: { current?: unknown } }) => {
    const d = active.data.current as CardData | undefined;
    return useWorkbench.getState().document?.planning.applications.find((a) => a.id === d?.applicationId)?.name ?? 'application';
  };
  const laneName = (id: string | number | undefined | null) => {
    const w = waveIdOfLane(id);
    if (w === undefined) return null;
    if (w === null) return 'the applications in no wave';
    const waves = useWorkbench.getState().document?.planning.waves ?? [];
    const i = waves.findIndex((x) => x.id === w);
    return i < 0 ? null : `wave ${i + 1}, ${waves[i]!.name}`;
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up application ${appName(active)}. Use the arrow keys to move it to another wave, Space or Enter to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => {
      const from = (active.data.current as CardData | undefined)?.laneId;
      if (!over || over.id === from) return undefined;
      const to = laneName(over.id);
      return to ? `${appName(active)} over ${to}.` : undefined;
    },
    onDragEnd: ({ active, over }) => {
      const from = (active.data.current as CardData | undefined)?.laneId;
      const to = laneName(over?.id);
      if (!to) return `${appName(active)} dropped outside the waves: nothing changed.`;
      return over?.id === from ? `${appName(active)} stays in ${to}.` : `Moved ${appName(active)} to ${to}.`;
    },
    onDragCancel: ({ active }) => `Cancelled: ${appName(active)} did not move.`,
  };

  if (!s.doc) return <div className="loading">Loading project…</div>;
  const waves = s.doc.planning.waves;

  const onDragStart = (e: DragStartEvent) => {
    const d = e.active.data.current as CardData | undefined;
    if (d) setDragging({ applicationId: d.applicationId, name: appName(e.active) });
  };
  const onDragEnd = (e: DragEndEvent) => {
    const d = e.active.data.current as CardData | undefined;
    const target = waveIdOfLane(e.over?.id);
    setDragging(null);
    setOverLane(null);
    if (!d || target === undefined || e.over?.id === d.laneId) return;
    void s.moveApps([d.applicationId], target);
  };

  const apps = s.doc.planning.applications.length;
  return (
    <div className="screen waves-screen">
      <ScreenHeader
        title="Waves"
        subtitle="Plan which applications move together and when: drag an application into a wave, set each wave's dates, and see what each wave moves and costs."
        actions={
          <form
            className="new-wave"
            onSubmit={(e) => {
              e.preventDefault();
              const name = newName.trim();
              if (name) void s.create(name).then((id) => id && setNewName(''));
            }}
          >
            <input aria-label="New wave name" placeholder={`Wave ${waves.length + 1}`} value={newName} maxLength={200} onChange={(e) => setNewName(e.target.value)} />
            <button type="submit" disabled={!newName.trim()}>
              Add wave
            </button>
          </form>
        }
      />
      {imported.length ? (
        <div className="wave-imported" role="status">
          <span>
            The inventory names {imported.length} wave{imported.length === 1 ? '' : 's'} that {imported.length === 1 ? 'is' : 'are'} not on this board ({imported.slice(0, 3).map((w) => w.name).join(', ')}
            {imported.length > 3 ? ', …' : ''}), from imported files.
          </span>
          <button type="button" onClick={() => void s.adopt()}>
            Create {imported.length === 1 ? 'it' : 'them'}
          </button>
        </div>
      ) : null}
      {!apps && !waves.length ? (
        <EmptyState icon="waves" title="No applications to plan yet" actions={<button type="button" onClick={() => s.areaSelected('applications')}>Open Applications</button>}>
          Waves group applications. Create applications on the Applications screen first, then come back to put them into waves.
        </EmptyState>
      ) : (
        <DndContext
          sensors={sensors}
          collisionDetection={collision}
          onDragStart={onDragStart}
          onDragOver={(e) => setOverLane(e.over ? String(e.over.id) : null)}
          onDragEnd={onDragEnd}
          onDragCancel={() => (setDragging(null), setOverLane(null))}
          accessibility={{ announcements, screenReaderInstructions: { draggable: 'To move an application to another wave, press Space or Enter, move it with the arrow keys, and press Space or Enter again to drop it. Escape cancels.' } }}
        >
          <div className="wave-board" aria-label="Waves in plan order" role="region">
            {lanes.map((lane) => (
              <Lane key={laneId(lane.wave)} lane={lane} count={waves.length} result={result} over={!!dragging && overLane === laneId(lane.wave)} />
            ))}
          </div>
          <DragOverlay dropAnimation={null}>{dragging ? <div className="wave-drag">{dragging.name}</div> : null}</DragOverlay>
        </DndContext>
      )}
    </div>
  );
}
