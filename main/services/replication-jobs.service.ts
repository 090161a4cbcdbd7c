import path from 'node:path';
import { WorkbenchError } from '../common/model/errors';
import { s3BucketNameProblem } from '../common/model/s3-bucket';
import { applicationServerIds } from '../common/model/planning';
import type { ReplicationJobEvent, ReplicationProgressEvent } from '../common/ipc/events';
import type { EventHub } from '../platform/events';
import type { Logger } from '../platform/logger';
import { createBandwidthCap, setBandwidthCap } from '../platform/bandwidth';
import { ReplicationPrefsSchema, type ReplicationPrefs, type SettingsStore } from '../platform/settings';
import type { ProjectStore } from './project-store.service';
import type { ReplicateRequest, ReplicateResult, ReplicationService } from './replication.service';
import type { ReplicationProgress, TransportOptions } from '../replication/engine';

export type JobKind = 'server' | 'application';
/** A job's or one of its servers' state; `idle` = nothing running nor waiting (a scheduled job waits for its next run). */
export type JobState = 'idle' | 'queued' | 'running' | 'paused' | 'completed' | 'inconsistent' | 'failed' | 'cancelled';

export interface JobTarget {
  readonly kind: JobKind;
  /** Server or application id (or name). */
  readonly id: string;
}

export interface DiskProgressView {
  readonly disk: string;
  readonly stage: ReplicationProgressEvent['stage'];
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly blocksChanged: number;
  readonly bytesSent: number;
  readonly rate: number;
  readonly etaSeconds: number | null;
}

/** Why a run failed, in words, and what to do about it (shown with a Retry button). */
export interface JobProblem {
  readonly cause: string;
  readonly fix: string;
}

export interface JobServerView {
  readonly serverId: string;
  readonly name: string;
  readonly state: JobState;
  readonly disks: DiskProgressView[];
  readonly problem?: JobProblem;
  /** What the last run settled besides its own work (an earlier run's pending AMI step), in words. */
  readonly notice?: string;
}

export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  readonly targetId: string;
  readonly name: string;
  readonly state: JobState;
  /** Every N hours after a run ended; null = one-time. */
  readonly everyHours: number | null;
  readonly nextRunAt: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** How the current (or last) run travels and, for S3, the staging bucket; absent before the job first ran. */
  readonly transport?: 'ebs' | 's3';
  readonly s3Bucket?: string;
  readonly servers: JobServerView[];
}

export interface StartOptions {
  /** Run once even when the target has a schedule (the CLI). */
  readonly once?: boolean;
  /** Overrides of the user's preferences for this job (the CLI's --region, --profile, --endpoint-url). */
  readonly transport?: Partial<Pick<TransportOptions, 'region' | 'profile' | 'endpointUrl'>>;
  /** How each run goes (the CLI's --transport s3 --bucket, --ami, --no-encryption, --no-verify); the app's defaults otherwise. */
  readonly run?: JobRunOptions;
}

/** Per-job choices passed to every run: S3 staging instead of EBS direct, the AMI step, encryption, the integrity check. */
export interface JobRunOptions {
  /** `ebs`, or `s3` with `s3Bucket`; absent: the user's preference (Connection settings) when the run is queued. */
  readonly transport?: 'ebs' | 's3';
  readonly s3Bucket?: string;
  readonly ami?: ReplicateRequest['ami'];
  readonly amiPoll?: ReplicateRequest['amiPoll'];
  readonly encrypted?: boolean;
  readonly verify?: boolean;
}

export interface ReplicationJobsDeps {
  readonly project: ProjectStore;
  readonly replication: ReplicationService;
  readonly events: EventHub;
  readonly settings: SettingsStore;
  readonly logger: Logger;
  /** Milliseconds in an hour of a schedule (tests shorten it; the app uses the real one). */
  readonly hourMs?: number;
  /** Minimum milliseconds between two progress events of one disk (default 250: a few per second). */
  readonly progressIntervalMs?: number;
}

interface Unit {
  readonly serverId: string;
  readonly name: string;
  state: JobState;
  disks: Map<string, DiskProgressView>;
  problem?: JobProblem;
  notice?: string;
  result?: ReplicateResult;
  ac?: AbortController;
  /** Why the running unit was aborted. */
  stopping?: 'pause' | 'cancel';
  lastEmit: Map<string, { at: number; stage: string }>;
  /** Datastores (or image folders) the server's disks are read from. */
  datastores: string[];
}

interface Job {
  readonly id: string;
  readonly kind: JobKind;
  readonly targetId: string;
  readonly name: string;
  readonly projectId: string;
  units: Unit[];
  once: boolean;
  transport: Partial<Pick<TransportOptions, 'region' | 'profile' | 'endpointUrl'>>;
  run: JobRunOptions;
  /** The transport of the run queued last: the job's own (CLI), else the preference at that moment; a resume keeps it. */
  chosen?: { transport: 'ebs' | 's3'; s3Bucket?: string };
  startedAt: string | null;
  endedAt: string | null;
  nextRunAt: number | null;
  /** The schedule the timer was set for (to notice a changed schedule). */
  scheduledHours?: number | null;
  timer?: NodeJS.Timeout;
  waiters: Array<() => void>;
}

const FINISHED: ReadonlySet<JobState> = new Set(['idle', 'completed', 'inconsistent', 'failed', 'cancelled']);
const RVTOOLS_DATASTORE = /^\s*\[([^\]]+)\]/;

/** Cause and fix for a failed run, from the engine's or the service's message (never quoting file contents). */
export function explainProblem(message: string): JobProblem {
  const m = message.slice(0, 300);
  if (/is already running in (this process|process \d+)/.test(m)) return { cause: m.replace(/:\s*wait for it.*$/s, '.'), fix: 'Another replication of this server (the app, or mwb replicate in a terminal) is running: wait for it to end, or stop it, then retry.' };
  if (/No disk images are mapped/i.test(m)) return { cause: `${m.replace(/:.*$/s, '')}.`, fix: 'Map each disk of the server to its image file (Choose image…), then retry.' };
  if (/does not exist|not-found|ENOENT|no such file/i.test(m) && !/snapshot/i.test(m)) return { cause: m, fix: 'Check that the disk image is still there (a mounted datastore or USB disk may be disconnected) or pick it again.' };
  if (/auth|credential|security token|signature|AccessDenied|UnrecognizedClient/i.test(m)) return { cause: m, fix: 'Check the AWS profile in Connection settings (the SDK default chain: environment, ~/.aws config, SSO login).' };
  if (/network|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|socket|timed out/i.test(m)) return { cause: m, fix: 'Check the network and the endpoint in Connection settings; the next run resumes where this one stopped.' };
  if (/throttl|SlowDown|rate exceeded/i.test(m)) return { cause: m, fix: 'AWS is throttling requests: lower the concurrency or the bandwidth cap, then retry.' };
  if (/changed .*while it was read|source image changed/i.test(m)) return { cause: m, fix: 'Stop the VM (or use a snapshot or an export of the disk) so the image does not change, then retry.' };
  if (/BlockLaneError|block lane .*stopped/i.test(m)) return { cause: m, fix: 'A thread of the run stopped (memory running short is the usual cause): close other programs or lower Servers at once in Connection settings, then retry; the next run resumes the snapshot without sending again what was journaled.' };
  if (/unsupported|corrupt|truncated|out-of-bounds|backing/i.test(m)) return { cause: m, fix: 'The file is not a disk image the workbench can read: pick the right file (raw, VMDK, VHD, VHDX, qcow2, OVA).' };
  return { cause: m, fix: 'Retry; if it fails again, check the disk image and Connection settings.' };
}

/**
 * Replication jobs of the open project: per server or per application (all its servers), one-time or every 1–24 hours
 * (the schedule is kept in the project: `replication.servers[].everyHours`, an application's replication frequency),
 * run now, pause, resume, cancel. A queue runs at most `maxConcurrent` servers at once and `maxPerDatastore` per
 * source datastore (the folder of the image when the inventory names no datastore); one bandwidth cap is shared by
 * every running job. Progress goes out as `replication.progress`, states as `replication.job`.
 */
export class ReplicationJobsService {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Array<{ job: Job; unit: Unit }> = [];
  private readonly running = new Set<Unit>();
  private readonly bandwidth = createBandwidthCap(0);
  private readonly hourMs: number;
  private readonly progressIntervalMs: number;
  private readonly unsubscribe: () => void;
  private projectId: string;
  private schedulesOn = false;

  constructor(private readonly deps: ReplicationJobsDeps) {
    this.hourMs = deps.hourMs ?? 3_600_000;
    this.progressIntervalMs = deps.progressIntervalMs ?? 250;
    setBandwidthCap(this.bandwidth, this.prefs().bandwidthBytesPerSecond);
    this.projectId = deps.project.document.id;
    this.unsubscribe = deps.events.subscribe('project.changed', () => {
      const id = this.deps.project.document.id;
      if (id !== this.projectId) {
        // Another project opened: its servers are not these jobs' servers.
        this.projectId = id;
        for (const job of [...this.jobs.values()]) this.drop(job);
        this.restoreSchedules();
      } else for (const job of this.jobs.values()) this.schedule(job); // a schedule changed in the project
    });
  }

  /**
   * Lets schedules run by themselves (the app's roots call this; a CLI command does not, so opening a project there
   * never starts a run): the project's scheduled servers and applications that ran before get their next run at the
   * last run's end + N hours (at once when that is past), now and whenever another project is opened.
   */
  enableSchedules(): void {
    this.schedulesOn = true;
    this.restoreSchedules();
  }

  prefs(): ReplicationPrefs {
    return ReplicationPrefsSchema.parse(this.deps.settings.get('replication') ?? {});
  }

  /** Saves this user's replication preferences (profile, Region, endpoint, cap, concurrency); never in the project. `null` or '' clears one. */
  setPrefs(patch: { [K in keyof ReplicationPrefs]?: ReplicationPrefs[K] | null }): ReplicationPrefs {
    const merged: Record<string, unknown> = { ...this.prefs(), ...patch };
    for (const k of Object.keys(merged)) if (merged[k] === '' || merged[k] === null) delete merged[k];
    if (typeof merged.endpointUrl === 'string' && !/^https?:\/\/[^\s]+$/.test(merged.endpointUrl)) throw new WorkbenchError('invalid-input', 'The endpoint must be an http(s) URL.');
    const bucketProblem = typeof merged.s3Bucket === 'string' ? s3BucketNameProblem(merged.s3Bucket) : null;
    if (bucketProblem) throw new WorkbenchError('invalid-input', bucketProblem);
    if (merged.transport === 's3' && typeof merged.s3Bucket !== 'string') throw new WorkbenchError('invalid-input', 'The S3 transport needs the bucket the disks are staged in.');
    if (merged.transport === 's3' && merged.ami === 'register') throw new WorkbenchError('invalid-input', 'RegisterImage needs EBS snapshots: with the S3 transport choose VM Import or no AMI.');
    const parsed = ReplicationPrefsSchema.safeParse(merged);
    if (!parsed.success) throw new WorkbenchError('invalid-input', `Replication settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 300)}`);
    this.deps.settings.set('replication', parsed.data);
    setBandwidthCap(this.bandwidth, parsed.data.bandwidthBytesPerSecond);
    this.pump();
    return parsed.data;
  }

  list(): JobView[] {
    return [...this.jobs.values()].map((j) => this.view(j));
  }

  get(jobId: string): JobView {
    return this.view(this.job(jobId));
  }

  /** Starts a job (queues its servers); a job that is already queued or running is left as it is. */
  start(target: JobTarget, opts: StartOptions = {}): JobView {
    const resolved = this.resolve(target);
    let job = this.jobs.get(resolved.id);
    if (job && !FINISHED.has(this.state(job))) return this.view(job);
    if (job) this.clearTimer(job);
    job = {
      ...resolved,
      projectId: this.deps.project.document.id,
      units: resolved.servers.map((s) => this.unit(s.id, s.name)),
      once: opts.once ?? false,
      transport: opts.transport ?? {},
      run: opts.run ?? {},
      startedAt: null,
      endedAt: null,
      nextRunAt: null,
      waiters: job?.waiters ?? [],
    };
    this.jobs.set(job.id, job);
    this.enqueue(job);
    return this.view(job);
  }

  /** Runs a job at once: a scheduled job does not wait for its next run; a finished one runs again. */
  runNow(jobId: string): JobView {
    const job = this.job(jobId);
    if (!FINISHED.has(this.state(job))) return this.view(job);
    return this.start({ kind: job.kind, id: job.targetId }, { once: job.once, transport: job.transport, run: job.run });
  }

  /** Pauses: running servers stop (the journal keeps every finished block), waiting ones stay. */
  pause(jobId: string): JobView {
    const job = this.job(jobId);
    for (const u of job.units) {
      if (u.state === 'queued') this.setUnit(job, u, 'paused');
      else if (u.state === 'running' && u.ac) {
        u.stopping = 'pause';
        u.ac.abort();
      }
    }
    this.dequeue(job);
    return this.view(job);
  }

  /** Resumes a paused job: its servers queue again and resume where the journal says they stopped. */
  resume(jobId: string): JobView {
    const job = this.job(jobId);
    for (const u of job.units) if (u.state === 'paused') this.setUnit(job, u, 'queued');
    for (const u of job.units) if (u.state === 'queued' && !this.queue.some((q) => q.unit === u)) this.queue.push({ job, unit: u });
    this.pump();
    return this.view(job);
  }

  /** Cancels the run and the schedule; an interrupted snapshot is resumed by the next run the user starts. */
  cancel(jobId: string): JobView {
    const job = this.job(jobId);
    this.clearTimer(job);
    job.nextRunAt = null;
    this.dequeue(job);
    for (const u of job.units) {
      if (u.state === 'queued' || u.state === 'paused') this.setUnit(job, u, 'cancelled');
      else if (u.state === 'running' && u.ac) {
        u.stopping = 'cancel';
        u.ac.abort();
      }
    }
    this.settle(job);
    return this.view(job);
  }

  /** Resolves when the job is no longer queued, running or paused (the CLI waits on this). */
  settled(jobId: string): Promise<JobView> {
    const job = this.job(jobId);
    if (this.isSettled(job)) return Promise.resolve(this.view(job));
    return new Promise((resolve) => job.waiters.push(() => resolve(this.view(job))));
  }

  /** The last run's result per server of a job (what `mwb replicate --json` prints). */
  results(jobId: string): ReplicateResult[] {
    return this.job(jobId).units.flatMap((u) => (u.result ? [u.result] : []));
  }

  dispose(): void {
    this.unsubscribe();
    for (const job of [...this.jobs.values()]) this.drop(job);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private restoreSchedules(): void {
    if (!this.schedulesOn) return;
    const doc = this.deps.project.document;
    const lastRuns = new Map((doc.replication?.servers ?? []).flatMap((r) => (r.lastRun ? [[r.serverId, r.lastRun.at] as const] : [])));
    const mapped = new Set((doc.replication?.servers ?? []).filter((r) => r.disks.length > 0).map((r) => r.serverId));
    const targets: Array<{ target: JobTarget; last: string }> = [];
    for (const r of doc.replication?.servers ?? []) if (r.everyHours && r.lastRun) targets.push({ target: { kind: 'server', id: r.serverId }, last: r.lastRun.at });
    for (const a of doc.planning.applications) {
      if (typeof a.replication.frequency !== 'number') continue;
      const last = applicationServerIds(a).flatMap((id) => lastRuns.get(id) ?? []).sort().at(-1);
      if (last) targets.push({ target: { kind: 'application', id: a.id }, last });
    }
    for (const { target, last } of targets) {
      let resolved;
      try {
        resolved = this.resolve(target);
      } catch {
        continue; // an application whose servers are gone: nothing to schedule
      }
      if (this.jobs.has(resolved.id) || Number.isNaN(Date.parse(last))) continue;
      // History without any disk image mapped here (another machine's project, the demo) would only fail: no timer.
      if (!resolved.servers.some((s) => mapped.has(s.id))) continue;
      const job: Job = { ...resolved, projectId: doc.id, units: resolved.servers.map((s) => ({ ...this.unit(s.id, s.name), state: 'idle' as const })), once: false, transport: {}, run: {}, startedAt: null, endedAt: new Date(last).toISOString(), nextRunAt: null, waiters: [] };
      this.jobs.set(job.id, job);
      this.schedule(job);
    }
  }

  /** Sets (or clears) the timer of a settled job's next run from its schedule in the project. */
  private schedule(job: Job): void {
    // A cancelled run ends the schedule until the job is started again.
    if (job.once || !job.endedAt || !this.isSettled(job) || this.jobs.get(job.id) !== job || job.units.some((u) => u.state === 'cancelled')) return;
    const hours = this.everyHours(job);
    if (hours === (job.scheduledHours ?? null) && (job.timer || !hours)) return;
    this.clearTimer(job);
    job.scheduledHours = hours;
    job.nextRunAt = null;
    if (!hours) return;
    const due = Date.parse(job.endedAt) + hours * this.hourMs;
    job.nextRunAt = due;
    job.timer = setTimeout(() => {
      job.timer = undefined;
      if (this.jobs.get(job.id) === job && this.isSettled(job)) this.start({ kind: job.kind, id: job.targetId }, { transport: job.transport, run: job.run });
    }, Math.max(0, due - Date.now()));
    job.timer.unref?.();
  }

  private job(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new WorkbenchError('not-found', `No replication job "${jobId.slice(0, 200)}".`);
    return job;
  }

  /** The job a target names and its servers (in launch order for an application); `not-found`/`invalid-input` otherwise. */
  resolve(target: JobTarget): { id: string; kind: JobKind; targetId: string; name: string; servers: Array<{ id: string; name: string }> } {
    const doc = this.deps.project.document;
    const ref = target.id.trim();
    if (target.kind === 'server') {
      const s = doc.inventory.servers.find((x) => x.id === ref) ?? doc.inventory.servers.find((x) => x.name === ref) ?? doc.inventory.servers.find((x) => x.name.toLowerCase() === ref.toLowerCase());
      if (!s) throw new WorkbenchError('not-found', `No server named "${ref.slice(0, 200)}" in this project.`);
      return { id: `server:${s.id}`, kind: 'server', targetId: s.id, name: s.name, servers: [{ id: s.id, name: s.name }] };
    }
    const apps = doc.planning.applications;
    const app = apps.find((a) => a.id === ref) ?? apps.find((a) => a.name === ref) ?? apps.find((a) => a.name.toLowerCase() === ref.toLowerCase());
    if (!app) throw new WorkbenchError('not-found', `No application named "${ref.slice(0, 200)}" in this project.`);
    const byId = new Map(doc.inventory.servers.map((s) => [s.id, s]));
    const servers = applicationServerIds(app).flatMap((id) => {
      const s = byId.get(id);
      return s ? [{ id: s.id, name: s.name }] : [];
    });
    if (servers.length === 0) throw new WorkbenchError('invalid-input', `The application "${app.name.slice(0, 200)}" has no servers: add servers to it on the Applications screen first.`);
    return { id: `application:${app.id}`, kind: 'application', targetId: app.id, name: app.name, servers };
  }

  private unit(serverId: string, name: string): Unit {
    return { serverId, name, state: 'queued', disks: new Map(), lastEmit: new Map(), datastores: this.datastores(serverId) };
  }

  /** The source datastores of a server's mapped disks: RVTools' `[datastore] vm/vm.vmdk` name, else the image's folder. */
  private datastores(serverId: string): string[] {
    const doc = this.deps.project.document;
    const server = doc.inventory.servers.find((s) => s.id === serverId);
    const mapped = doc.replication?.servers.find((s) => s.serverId === serverId)?.disks ?? [];
    const keys = mapped.map((m) => {
      const ds = server?.disks.find((d) => d.label === m.disk)?.path?.match(RVTOOLS_DATASTORE)?.[1];
      return ds ? `datastore:${ds.trim()}` : `folder:${path.dirname(m.image)}`;
    });
    return [...new Set(keys)];
  }

  /** The schedule of a job's target, from the project (null = one-time). */
  private everyHours(job: Pick<Job, 'kind' | 'targetId'>): number | null {
    const doc = this.deps.project.document;
    if (job.kind === 'server') return doc.replication?.servers.find((s) => s.serverId === job.targetId)?.everyHours ?? null;
    const f = doc.planning.applications.find((a) => a.id === job.targetId)?.replication.frequency;
    return typeof f === 'number' ? f : null;
  }

  private enqueue(job: Job): void {
    const prefs = this.prefs();
    job.chosen = job.run.s3Bucket ? { transport: 's3', s3Bucket: job.run.s3Bucket } : job.run.transport === 'ebs' || prefs.transport !== 's3' || !prefs.s3Bucket ? { transport: 'ebs' } : { transport: 's3', s3Bucket: prefs.s3Bucket };
    job.startedAt = new Date().toISOString();
    job.endedAt = null;
    job.nextRunAt = null;
    for (const u of job.units) {
      u.problem = undefined;
      u.notice = undefined;
      u.disks = new Map();
      u.lastEmit = new Map();
      u.datastores = this.datastores(u.serverId);
      this.setUnit(job, u, 'queued');
      this.queue.push({ job, unit: u });
    }
    this.pump();
  }

  private dequeue(job: Job): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.job === job) this.queue.splice(i, 1);
  }

  /** Starts queued servers while the global and per-datastore limits allow, in queue order. */
  private pump(): void {
    const prefs = this.prefs();
    const perStore = new Map<string, number>();
    for (const u of this.running) for (const d of u.datastores) perStore.set(d, (perStore.get(d) ?? 0) + 1);
    for (let i = 0; i < this.queue.length && this.running.size < prefs.maxConcurrent; ) {
      const { job, unit } = this.queue[i]!;
      if (unit.datastores.some((d) => (perStore.get(d) ?? 0) >= prefs.maxPerDatastore)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      for (const d of unit.datastores) perStore.set(d, (perStore.get(d) ?? 0) + 1);
      this.running.add(unit);
      void this.run(job, unit);
    }
  }

  private async run(job: Job, unit: Unit): Promise<void> {
    const ac = new AbortController();
    unit.ac = ac;
    unit.stopping = undefined;
    this.setUnit(job, unit, 'running');
    const prefs = this.prefs();
    const mapped = this.deps.project.document.replication?.servers.find((s) => s.serverId === unit.serverId);
    const region = job.transport.region ?? mapped?.region ?? prefs.region;
    const profile = job.transport.profile ?? prefs.profile;
    const endpointUrl = job.transport.endpointUrl ?? prefs.endpointUrl;
    const aws = { ...(region ? { region } : {}), ...(profile ? { profile } : {}), ...(endpointUrl ? { endpointUrl } : {}) };
    const transport: ReplicateRequest['transport'] = job.chosen?.s3Bucket ? { kind: 's3', bucket: job.chosen.s3Bucket, ...aws } : { kind: 'ebs', ...aws };
    const { s3Bucket: _bucket, transport: _transport, ...run } = job.run;
    try {
      const result = await this.deps.replication.replicate({ ...(prefs.ami ? { ami: prefs.ami } : {}), ...run, server: unit.serverId, transport, signal: ac.signal, bandwidth: this.bandwidth, onProgress: (p) => this.progress(job, unit, p) });
      unit.result = result;
      // A completed disk's message says what the run did besides the usual (its parent snapshot was gone: every block sent).
      const diskNotes = result.disks.filter((d) => d.status === 'completed' && d.message).map((d) => `${d.disk}: ${d.message}`);
      unit.notice = [result.previousAmi?.message, result.staging?.message, ...diskNotes].filter(Boolean).join(' ') || undefined;
      const failed = result.disks.find((d) => d.status !== 'completed' && d.message);
      if (failed?.message) unit.problem = explainProblem(failed.message);
      this.setUnit(job, unit, result.status, failed?.message);
    } catch (err) {
      if (ac.signal.aborted) this.setUnit(job, unit, unit.stopping === 'pause' ? 'paused' : 'cancelled');
      else {
        const message = err instanceof Error ? err.message : 'the run failed';
        unit.problem = explainProblem(message);
        this.deps.logger.warn(`replication of ${unit.name} failed: ${message.slice(0, 300)}`);
        this.setUnit(job, unit, 'failed', message);
      }
    } finally {
      unit.ac = undefined;
      unit.stopping = undefined;
      this.running.delete(unit);
      this.settle(job);
      this.pump();
    }
  }

  private progress(job: Job, unit: Unit, p: ReplicationProgress): void {
    const etaSeconds = p.stage === 'sending' && p.rate > 0 ? Math.max(0, (p.bytesTotal - p.bytesRead) / p.rate) : p.stage === 'done' ? 0 : null;
    const view: DiskProgressView = { disk: p.disk, stage: p.stage, bytesRead: p.bytesRead, bytesTotal: p.bytesTotal, blocksChanged: p.blocksChanged, bytesSent: p.bytesSent, rate: p.rate, etaSeconds };
    unit.disks.set(p.disk, view);
    // A few events per second per disk; a change of stage always goes out.
    const last = unit.lastEmit.get(p.disk);
    const now = Date.now();
    if (last && last.stage === p.stage && now - last.at < this.progressIntervalMs) return;
    unit.lastEmit.set(p.disk, { at: now, stage: p.stage });
    this.deps.events.emit('replication.progress', { jobId: job.id, serverId: unit.serverId, ...view, at: new Date(now).toISOString() });
  }

  private setUnit(job: Job, unit: Unit, state: JobState, message?: string): void {
    unit.state = state;
    if (state === 'idle') return;
    const event: ReplicationJobEvent = {
      jobId: job.id,
      serverId: unit.serverId,
      ...(job.kind === 'application' ? { applicationId: job.targetId } : {}),
      state,
      ...(unit.result?.amiId ? { amiId: unit.result.amiId } : {}),
      ...(message ? { message: message.slice(0, 2000) } : {}),
      ...(job.chosen ? { transport: job.chosen.transport } : {}),
      at: new Date().toISOString(),
    };
    this.deps.events.emit('replication.job', event);
  }

  private isSettled(job: Job): boolean {
    return job.units.every((u) => FINISHED.has(u.state));
  }

  /** When every server of a run ended: wakes waiters and, for a scheduled job, sets the timer of the next run. */
  private settle(job: Job): void {
    if (!this.isSettled(job) || job.endedAt) return;
    job.endedAt = new Date().toISOString();
    this.schedule(job);
    const waiters = job.waiters.splice(0);
    for (const w of waiters) w();
  }

  private clearTimer(job: Job): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
  }

  private drop(job: Job): void {
    this.clearTimer(job);
    job.once = true;
    this.dequeue(job);
    for (const u of job.units) {
      if (u.state === 'running' && u.ac) {
        u.stopping = 'cancel';
        u.ac.abort();
      } else if (!FINISHED.has(u.state)) u.state = 'cancelled';
    }
    this.jobs.delete(job.id);
    const waiters = job.waiters.splice(0);
    for (const w of waiters) w();
  }

  private state(job: Job): JobState {
    const states = job.units.map((u) => u.state);
    if (states.includes('running')) return 'running';
    if (states.includes('queued')) return 'queued';
    if (states.includes('paused')) return 'paused';
    if (states.includes('failed')) return 'failed';
    if (states.includes('inconsistent')) return 'inconsistent';
    if (states.includes('cancelled')) return 'cancelled';
    if (states.every((s) => s === 'completed')) return 'completed';
    return 'idle';
  }

  private view(job: Job): JobView {
    const hours = this.everyHours(job);
    return {
      id: job.id,
      kind: job.kind,
      targetId: job.targetId,
      name: job.name,
      state: this.state(job),
      everyHours: hours,
      nextRunAt: job.nextRunAt ? new Date(job.nextRunAt).toISOString() : null,
      startedAt: job.startedAt,
      endedAt: job.endedAt,
      ...(job.chosen ? { transport: job.chosen.transport, ...(job.chosen.s3Bucket ? { s3Bucket: job.chosen.s3Bucket } : {}) } : {}),
      servers: job.units.map((u) => ({ serverId: u.serverId, name: u.name, state: u.state, disks: [...u.disks.values()], ...(u.problem ? { problem: u.problem } : {}), ...(u.notice ? { notice: u.notice } : {}) })),
    };
  }
}
