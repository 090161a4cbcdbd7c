import type { ProjectDocument } from '../model/project';
import type { ReplicationRunSummary } from '../model/replication';

/** Where a server is on its way to AWS, as the dashboard counts it. */
export const SERVER_STAGES = ['not-started', 'mapped', 'replicating', 'replicated', 'ami-ready', 'error'] as const;
export type ServerStage = (typeof SERVER_STAGES)[number];
export const SERVER_STAGE_LABEL: Record<ServerStage, string> = {
  'not-started': 'Not started',
  mapped: 'Disks mapped',
  replicating: 'Replicating',
  replicated: 'Replicated',
  'ami-ready': 'AMI ready',
  error: 'Error',
};

export const APP_STATUSES = ['not-started', 'in-progress', 'completed', 'error'] as const;
export type AppStatus = (typeof APP_STATUSES)[number];
export const APP_STATUS_LABEL: Record<AppStatus, string> = { 'not-started': 'Not started', 'in-progress': 'In progress', completed: 'Completed', error: 'Error' };

/** The newest `replication.job` state seen for a server while the app runs (live; not in the project). */
export interface LiveJobState {
  state: 'queued' | 'running' | 'paused' | 'completed' | 'inconsistent' | 'failed' | 'cancelled';
  amiId?: string | undefined;
}

export interface RunRow {
  serverId: string;
  serverName: string;
  at: string;
  status: ReplicationRunSummary['status'];
  amiId: string | null;
  /** How the run travelled (a server's last run recorded before runs kept it: the server's `transport`); else null. */
  transport: 'ebs' | 's3' | null;
  /** Logical size of the run's disks and what it sent; null where the run did not record them. */
  bytesTotal: number | null;
  bytesSent: number | null;
  seconds: number | null;
  message: string | null;
}

export interface WaveProgress {
  id: string;
  name: string;
  servers: number;
  done: number;
  replicating: number;
  error: number;
  notStarted: number;
}

export interface DashboardSummary {
  applications: { status: AppStatus; label: string; count: number }[];
  stages: { stage: ServerStage; label: string; count: number }[];
  waves: WaveProgress[];
  /** The newest recorded runs (at most `runLimit`), newest first. */
  runs: RunRow[];
  /** How many runs the project records in all. */
  runCount: number;
  /** Servers counted (in a planned application or with replication settings). */
  servers: number;
}

function stageOf(rep: { disks: unknown[]; lastRun?: ReplicationRunSummary | undefined } | undefined, live: LiveJobState | undefined): ServerStage {
  if (live) {
    if (live.state === 'queued' || live.state === 'running' || live.state === 'paused') return 'replicating';
    if (live.state === 'failed' || live.state === 'inconsistent') return 'error';
    if (live.state === 'completed') return live.amiId || rep?.lastRun?.amiId ? 'ami-ready' : 'replicated';
  }
  const last = rep?.lastRun;
  if (last) {
    if (last.status !== 'completed') return 'error';
    return last.amiId ? 'ami-ready' : 'replicated';
  }
  return rep && rep.disks.length > 0 ? 'mapped' : 'not-started';
}

const DONE: ReadonlySet<ServerStage> = new Set(['replicated', 'ami-ready']);

/** Everything the Dashboard draws from the project (history) and the live job states (while jobs run). */
export function dashboardSummary(doc: ProjectDocument, live: ReadonlyMap<string, LiveJobState> = new Map(), runLimit = 100): DashboardSummary {
  const names = new Map(doc.inventory.servers.map((s) => [s.id, s.name]));
  const rep = new Map((doc.replication?.servers ?? []).map((r) => [r.serverId, r]));
  const stage = new Map<string, ServerStage>();
  const stageFor = (id: string): ServerStage => {
    let s = stage.get(id);
    if (!s) stage.set(id, (s = stageOf(rep.get(id), live.get(id))));
    return s;
  };
  const appServers = new Map<string, string[]>();
  for (const a of doc.planning.applications) appServers.set(a.id, [...new Set(a.groups.flatMap((g) => g.serverIds))].filter((id) => names.has(id)));
  const inScope = new Set<string>([...[...appServers.values()].flat(), ...[...rep.keys()].filter((id) => names.has(id)), ...[...live.keys()].filter((id) => names.has(id))]);

  const appCounts: Record<AppStatus, number> = { 'not-started': 0, 'in-progress': 0, completed: 0, error: 0 };
  const appStatus = (ids: string[]): AppStatus => {
    const st = ids.map(stageFor);
    if (st.includes('error')) return 'error';
    if (st.length > 0 && st.every((s) => DONE.has(s))) return 'completed';
    if (st.some((s) => s === 'replicating' || DONE.has(s))) return 'in-progress';
    return 'not-started';
  };
  for (const ids of appServers.values()) appCounts[appStatus(ids)]++;

  const stageCounts = Object.fromEntries(SERVER_STAGES.map((s) => [s, 0])) as Record<ServerStage, number>;
  for (const id of inScope) stageCounts[stageFor(id)]++;

  const waveOf = new Map<string, string[]>();
  for (const a of doc.planning.applications) {
    const key = a.waveId && doc.planning.waves.some((w) => w.id === a.waveId) ? a.waveId : '';
    const list = waveOf.get(key) ?? [];
    for (const id of appServers.get(a.id) ?? []) list.push(id);
    waveOf.set(key, list);
  }
  const progress = (id: string, name: string): WaveProgress => {
    const ids = [...new Set(waveOf.get(id) ?? [])];
    const st = ids.map(stageFor);
    return {
      id,
      name,
      servers: ids.length,
      done: st.filter((s) => DONE.has(s)).length,
      replicating: st.filter((s) => s === 'replicating').length,
      error: st.filter((s) => s === 'error').length,
      notStarted: st.filter((s) => s === 'not-started' || s === 'mapped').length,
    };
  };
  const waves = doc.planning.waves.map((w) => progress(w.id, w.name));
  if ((waveOf.get('') ?? []).length) waves.push(progress('', 'No wave'));

  // Every run as (time, server, index), sorted newest first with a plain comparison (ISO times sort as strings);
  // rows are built only for the newest `runLimit`.
  const refs: { at: string; r: NonNullable<ProjectDocument['replication']>['servers'][number]; i: number }[] = [];
  for (const r of doc.replication?.servers ?? []) {
    const n = r.runs?.length ? r.runs.length : r.lastRun ? 1 : 0;
    for (let i = 0; i < n; i++) refs.push({ at: (r.runs?.length ? r.runs[i]! : r.lastRun!).at, r, i });
  }
  refs.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const runs: RunRow[] = refs.slice(0, runLimit).map(({ r, i }) => {
    const run = r.runs?.length ? r.runs[i]! : r.lastRun!;
    const withSize = run.snapshots.filter((s) => s.bytesTotal !== undefined);
    const withSent = run.snapshots.filter((s) => s.bytesSent !== undefined);
    const secs = run.snapshots.filter((s) => s.seconds !== undefined);
    return {
      serverId: r.serverId,
      serverName: names.get(r.serverId) ?? r.serverId,
      at: run.at,
      status: run.status,
      amiId: run.amiId ?? null,
      transport: run.transport ?? (run.at === r.lastRun?.at ? r.transport : null),
      bytesTotal: withSize.length ? withSize.reduce((n, s) => n + (s.bytesTotal ?? 0), 0) : null,
      bytesSent: withSent.length ? withSent.reduce((n, s) => n + (s.bytesSent ?? 0), 0) : null,
      seconds: secs.length ? Math.max(...secs.map((s) => s.seconds ?? 0)) : null,
      message: run.message ?? null,
    };
  });

  return {
    applications: APP_STATUSES.map((s) => ({ status: s, label: APP_STATUS_LABEL[s], count: appCounts[s] })),
    stages: SERVER_STAGES.map((s) => ({ stage: s, label: SERVER_STAGE_LABEL[s], count: stageCounts[s] })),
    waves,
    runs,
    runCount: refs.length,
    servers: inScope.size,
  };
}

/**
 * Live throughput: a bounded ring of samples (oldest dropped first), each the sum of the latest rates of the disks
 * running at that moment. Memory stays constant however long jobs run.
 */
export class ThroughputRing {
  private readonly buf: { t: number; bytesPerSecond: number }[] = [];
  private start = 0;
  constructor(readonly capacity = 300) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a whole number above 0');
  }
  push(t: number, bytesPerSecond: number): void {
    const last = this.size ? this.at(this.size - 1) : null;
    // Samples within the same second merge (the sender throttles to a few per second per disk).
    if (last && Math.floor(last.t / 1000) === Math.floor(t / 1000)) {
      last.bytesPerSecond = bytesPerSecond;
      return;
    }
    if (this.buf.length < this.capacity) this.buf.push({ t, bytesPerSecond });
    else {
      this.buf[this.start] = { t, bytesPerSecond };
      this.start = (this.start + 1) % this.capacity;
    }
  }
  get size(): number {
    return this.buf.length;
  }
  private at(i: number) {
    return this.buf[(this.start + i) % this.buf.length]!;
  }
  /** Oldest first, copies. */
  toArray(): { t: number; bytesPerSecond: number }[] {
    return Array.from({ length: this.size }, (_, i) => ({ ...this.at(i) }));
  }
}
