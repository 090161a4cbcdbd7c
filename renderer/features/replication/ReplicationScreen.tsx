import { useEffect, useMemo, useState } from 'react';
import type { ReplicationJobView } from '../../../main/common/ipc/channels/replication.channels';
import type { ProjectDocument } from '../../../main/common/model/project';
import type { Server } from '../../../main/common/model/server';
import type { ReplicationServer } from '../../../main/common/model/replication';
import { applicationServerIds } from '../../../main/common/model/planning';
import { useWorkbenchShallow } from '../../store';
import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { formatBytes, formatMiB, formatTime, label } from '../../ui/format';
import { ConnectionDialog, ImagePickerDialog } from './ReplicationDialogs';
import './replication.css';

type JobState = ReplicationJobView['state'];
type ServerJob = ReplicationJobView['servers'][number];

/** Words for the job states and engine stages (never the raw values). */
export const STATE_LABEL: Record<JobState, string> = {
  idle: 'Not started',
  queued: 'Waiting in the queue',
  running: 'Replicating',
  paused: 'Paused',
  completed: 'Completed',
  inconsistent: 'Source changed during the run',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
export const STAGE_LABEL: Record<ServerJob['disks'][number]['stage'], string> = {
  queued: 'Waiting',
  opening: 'Opening the image',
  'starting-snapshot': 'Starting the snapshot',
  sending: 'Sending changed blocks',
  completing: 'Completing the snapshot',
  uploading: 'Uploading',
  'importing-image': 'Importing the image',
  'registering-image': 'Registering the AMI',
  verifying: 'Verifying',
  done: 'Done',
};
const RUN_STATUS_LABEL = { completed: 'Completed', inconsistent: 'Source changed', failed: 'Failed' } as const;
const ACTIVE: ReadonlySet<JobState> = new Set(['queued', 'running', 'paused']);

function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

function formatEta(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The job that speaks for a server now: its own, else an application job that holds it; an active one first. */
function serverJob(jobs: ReplicationJobView[], serverId: string): { job: ReplicationJobView; unit: ServerJob } | null {
  const holding = jobs.flatMap((job) => job.servers.filter((u) => u.serverId === serverId).map((unit) => ({ job, unit })));
  holding.sort((a, b) => Number(ACTIVE.has(b.unit.state)) - Number(ACTIVE.has(a.unit.state)) || (b.job.startedAt ?? '').localeCompare(a.job.startedAt ?? ''));
  return holding[0] ?? null;
}

interface Group {
  key: string;
  title: string;
  applicationId: string | null;
  servers: Server[];
}

function groupsOf(doc: ProjectDocument): { groups: Group[]; others: Server[] } {
  const byId = new Map(doc.inventory.servers.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const groups = doc.planning.applications.map((a) => {
    const servers = applicationServerIds(a).flatMap((id) => {
      const s = byId.get(id);
      if (!s || seen.has(id)) return [];
      seen.add(id);
      return [s];
    });
    return { key: a.id, title: a.name, applicationId: a.id, servers };
  });
  return { groups: groups.filter((g) => g.servers.length > 0), others: doc.inventory.servers.filter((s) => !seen.has(s.id)) };
}

/** Replication of the project's servers: per server and disk the stage, progress, rate, ETA, runs, and the controls. */
export function ReplicationScreen() {
  const { doc, jobs, prefs, error, opened, start } = useWorkbenchShallow((s) => ({
    doc: s.document,
    jobs: s.replicationJobs,
    prefs: s.replicationPrefs,
    error: s.replicationError,
    opened: s.replicationOpened,
    start: s.replicationStartRequested,
  }));
  const [connectionOpen, setConnectionOpen] = useState(false);
  const [othersFilter, setOthersFilter] = useState('');
  // The servers in no application are drawn only when their section is open (an estate may have thousands).
  const [othersOpen, setOthersOpen] = useState(false);
  const docId = doc?.id;
  useEffect(() => {
    void opened();
  }, [opened, docId]);
  const jobList = useMemo(() => Object.values(jobs), [jobs]);
  const layout = useMemo(() => (doc ? groupsOf(doc) : null), [doc]);
  if (!doc || !layout) return <div className="screen" />;
  const settings = new Map((doc.replication?.servers ?? []).map((r) => [r.serverId, r]));
  if (doc.inventory.servers.length === 0) {
    return (
      <div className="screen">
        <ScreenHeader title="Replication" />
        <EmptyState icon="replication" title="No servers to replicate">
          Import an inventory first; then map each server&apos;s disks to their image files here and replicate them to EBS snapshots.
        </EmptyState>
      </div>
    );
  }
  const target = prefs ? [prefs.region ? `Region ${prefs.region}` : 'Region from the AWS configuration', prefs.profile ? `profile ${prefs.profile}` : 'default credentials', prefs.endpointUrl ? `endpoint ${prefs.endpointUrl}` : null, prefs.bandwidthBytesPerSecond ? `cap ${formatRate(prefs.bandwidthBytesPerSecond)}` : null, prefs.transport === 's3' && prefs.s3Bucket ? `staged in S3 bucket ${prefs.s3Bucket}` : null].filter(Boolean).join(' · ') : '';
  const showOthers = othersOpen || layout.groups.length === 0;
  const needle = othersFilter.trim().toLowerCase();
  const others = layout.others.filter((s) => !needle || s.name.toLowerCase().includes(needle));
  return (
    <div className="screen rp-screen">
      <ScreenHeader
        title="Replication"
        subtitle={<span data-testid="replication-target">{target}</span>}
        actions={
          <button type="button" onClick={() => setConnectionOpen(true)}>
            Connection settings…
          </button>
        }
      />
      {error ? (
        <div className="rp-problem" role="alert">
          <div>
            <strong>The request failed.</strong> {error}
          </div>
          <button type="button" onClick={() => void opened()}>
            Retry
          </button>
        </div>
      ) : null}
      <div className="rp-groups">
        {layout.groups.map((g) => (
          <GroupSection key={g.key} group={g} jobs={jobList} settings={settings} onStartApp={() => void start('application', g.applicationId!)} />
        ))}
        {layout.others.length > 0 ? (
          <details className="rp-group rp-others" open={showOthers} onToggle={(e) => setOthersOpen((e.target as HTMLDetailsElement).open)}>
            <summary>
              <h2>Servers in no application</h2> <span className="muted small">{layout.others.length} servers</span>
            </summary>
            {!showOthers ? null : layout.others.length > 20 ? <input className="rp-filter" aria-label="Filter servers by name" placeholder="Filter by name" value={othersFilter} onChange={(e) => setOthersFilter(e.target.value)} /> : null}
            {!showOthers ? null : others.slice(0, 50).map((s) => (
              <ServerCard key={s.id} server={s} jobs={jobList} settings={settings.get(s.id)} />
            ))}
            {showOthers && others.length > 50 ? <p className="muted small">{others.length - 50} more: filter by name to find one.</p> : null}
          </details>
        ) : null}
      </div>
      {connectionOpen && prefs ? <ConnectionDialog prefs={prefs} onClose={() => setConnectionOpen(false)} /> : null}
    </div>
  );
}

function GroupSection({ group, jobs, settings, onStartApp }: { group: Group; jobs: ReplicationJobView[]; settings: Map<string, ReplicationServer>; onStartApp(): void }) {
  const action = useWorkbenchShallow((s) => s.replicationJobActionRequested);
  const job = jobs.find((j) => j.id === `application:${group.applicationId}`);
  const state = job?.state ?? 'idle';
  return (
    <section className="rp-group" aria-label={`Application ${group.title}`}>
      <header className="rp-group-head">
        <h2>{group.title}</h2>
        <span className="muted small">
          {group.servers.length} {group.servers.length === 1 ? 'server' : 'servers'}
          {job ? ` · ${STATE_LABEL[state]}` : ''}
          {job?.everyHours ? ` · every ${job.everyHours} h` : ''}
          {job?.nextRunAt ? ` · next run ${formatTime(job.nextRunAt)}` : ''}
        </span>
        <span className="rp-actions">
          <JobButtons job={job} name={`application ${group.title}`} onStart={onStartApp} onAction={(a) => job && void action(job.id, a)} />
        </span>
      </header>
      {group.servers.map((s) => (
        <ServerCard key={s.id} server={s} jobs={jobs} settings={settings.get(s.id)} />
      ))}
    </section>
  );
}

function JobButtons({ job, name, onStart, onAction }: { job: ReplicationJobView | undefined; name: string; onStart(): void; onAction(a: 'runNow' | 'pause' | 'resume' | 'cancel'): void }) {
  const state = job?.state ?? 'idle';
  const active = ACTIVE.has(state);
  return (
    <>
      {!job ? (
        <button type="button" className="primary" onClick={onStart} aria-label={`Start replication of ${name}`}>
          Start
        </button>
      ) : !active ? (
        <button type="button" className="primary" onClick={() => onAction('runNow')} aria-label={`Run now: ${name}`}>
          Run now
        </button>
      ) : null}
      {state === 'running' || state === 'queued' ? (
        <button type="button" onClick={() => onAction('pause')} aria-label={`Pause ${name}`}>
          Pause
        </button>
      ) : null}
      {state === 'paused' ? (
        <button type="button" className="primary" onClick={() => onAction('resume')} aria-label={`Resume ${name}`}>
          Resume
        </button>
      ) : null}
      {active || job?.nextRunAt ? (
        <button type="button" onClick={() => onAction('cancel')} aria-label={`Cancel ${name}`}>
          Cancel
        </button>
      ) : null}
    </>
  );
}

function ServerCard({ server, jobs, settings }: { server: Server; jobs: ReplicationJobView[]; settings: ReplicationServer | undefined }) {
  const { start, action, schedule } = useWorkbenchShallow((s) => ({ start: s.replicationStartRequested, action: s.replicationJobActionRequested, schedule: s.replicationScheduleChanged }));
  const [picking, setPicking] = useState<{ disk: string; rvtoolsPath: string | undefined; current: string | undefined } | null>(null);
  const own = jobs.find((j) => j.id === `server:${server.id}`);
  const current = serverJob(jobs, server.id);
  const unit = current?.unit;
  const state: JobState = unit?.state ?? 'idle';
  const disks = unit?.disks ?? [];
  const read = disks.reduce((n, d) => n + d.bytesRead, 0);
  const total = disks.reduce((n, d) => n + d.bytesTotal, 0);
  const rate = state === 'running' ? disks.reduce((n, d) => n + (d.stage === 'sending' ? d.rate : 0), 0) : 0;
  const eta = state === 'running' && rate > 0 ? (total - read) / rate : null;
  const pct = total > 0 ? Math.min(100, Math.round((read / total) * 100)) : state === 'completed' ? 100 : 0;
  const runs = settings?.runs ?? (settings?.lastRun ? [settings.lastRun] : []);
  const lastRun = settings?.lastRun;
  const amis = [...new Set(runs.flatMap((r) => (r.amiId ? [r.amiId] : [])))];
  const lastSent = lastRun?.snapshots.reduce((n, s) => n + (s.bytesSent ?? 0), 0);
  const labels = new Set([...server.disks.map((d) => d.label), ...(settings?.disks ?? []).map((d) => d.disk)]);
  const nextRun = current?.job.nextRunAt ?? null;
  // How this server's current (or last) run travels: the job's choice, else the project's record of the last run.
  const travel = current?.job.transport ? { transport: current.job.transport, bucket: current.job.s3Bucket } : lastRun ? { transport: lastRun.transport ?? settings?.transport ?? 'ebs', bucket: undefined } : null;
  const title = server.name;
  return (
    <article className={`rp-server rp-${state}`} aria-label={`Server ${title}`} data-testid="replication-server">
      <div className="rp-server-head">
        <h3>{title}</h3>
        <span className={`rp-state rp-state-${state}`} data-testid="replication-state">
          {STATE_LABEL[state]}
        </span>
        <label className="rp-schedule">
          <span className="sr-only">Schedule of {title}</span>
          <select value={settings?.everyHours ?? 0} onChange={(e) => void schedule(server.id, Number(e.target.value) || null)} disabled={!settings} title={settings ? 'How often this server replicates' : 'Map a disk image first'}>
            <option value={0}>One-time</option>
            {Array.from({ length: 24 }, (_, i) => i + 1).map((h) => (
              <option key={h} value={h}>
                Every {h === 1 ? 'hour' : `${h} hours`}
              </option>
            ))}
          </select>
        </label>
        <span className="rp-actions">
          <JobButtons job={own} name={title} onStart={() => void start('server', server.id)} onAction={(a) => own && void action(own.id, a)} />
        </span>
      </div>
      <div className="rp-progress">
        <div className="rp-bar" role="progressbar" aria-label={`Progress of ${title}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
          <div className="rp-bar-fill" style={{ width: `${pct}%` }} />
        </div>
        <dl className="rp-figures">
          <div>
            <dt>Read</dt>
            <dd data-testid="replication-read">{total ? `${formatBytes(read)} of ${formatBytes(total)}` : '—'}</dd>
          </div>
          <div>
            <dt>Sent</dt>
            <dd data-testid="replication-sent">{disks.length ? formatBytes(disks.reduce((n, d) => n + d.bytesSent, 0)) : '—'}</dd>
          </div>
          <div>
            <dt>Rate</dt>
            <dd>{rate ? formatRate(rate) : '—'}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd>{formatEta(eta)}</dd>
          </div>
          <div>
            <dt>Last run</dt>
            <dd data-testid="replication-last-run">{lastRun ? `${formatTime(lastRun.at)} · ${RUN_STATUS_LABEL[lastRun.status]}${lastSent !== undefined ? ` · ${formatBytes(lastSent)} sent` : ''}` : 'Never'}</dd>
          </div>
          <div>
            <dt>Next run</dt>
            <dd>{nextRun ? formatTime(nextRun) : settings?.everyHours ? 'After the next run' : '—'}</dd>
          </div>
          <div>
            <dt>Transport</dt>
            <dd data-testid="replication-transport">{travel ? `${label('transport', travel.transport)}${travel.bucket ? ` (bucket ${travel.bucket})` : ''}` : '—'}</dd>
          </div>
          <div>
            <dt>AMIs kept</dt>
            <dd>{amis.length ? amis.join(', ') : 'None yet'}</dd>
          </div>
        </dl>
      </div>
      {unit?.notice ? (
        <p className="rp-notice" role="status" data-testid="replication-notice">
          {unit.notice}
        </p>
      ) : null}
      {unit?.problem ? (
        <div className="rp-problem" role="alert">
          <div>
            <strong>Cause:</strong> {unit.problem.cause}
            <br />
            <strong>Fix:</strong> {unit.problem.fix}
          </div>
          <button type="button" onClick={() => void action(current!.job.id, 'runNow')} aria-label={`Retry ${title}`}>
            Retry
          </button>
        </div>
      ) : null}
      <table className="rp-disks">
        <caption className="sr-only">Disks of {title}</caption>
        <thead>
          <tr>
            <th scope="col">Disk</th>
            <th scope="col">Size</th>
            <th scope="col">Image file</th>
            <th scope="col">Stage</th>
          </tr>
        </thead>
        <tbody>
          {[...labels].map((label) => {
            const inv = server.disks.find((d) => d.label === label);
            const mapped = settings?.disks.find((d) => d.disk === label)?.image;
            const live = disks.find((d) => d.disk === label);
            return (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{inv ? formatMiB(inv.capacityMiB) : '—'}</td>
                <td className="rp-image">
                  <div className="rp-image-row">
                    {mapped ? (
                      <span className="mono rp-path" title={mapped}>
                        <bdi data-testid="replication-image">{mapped}</bdi>
                      </span>
                    ) : (
                      <span className="muted">Not mapped</span>
                    )}
                    <button type="button" onClick={() => setPicking({ disk: label, rvtoolsPath: inv?.path, current: mapped })} aria-label={`${mapped ? "Change…" : "Choose image…"} (${title}, ${label})`}>
                      {mapped ? 'Change…' : 'Choose image…'}
                    </button>
                  </div>
                  {inv?.path ? (
                    <div className="muted small">
                      In the inventory: <span className="mono">{inv.path}</span>
                    </div>
                  ) : null}
                </td>
                <td>{live ? `${STAGE_LABEL[live.stage]}${live.stage === 'sending' ? ` · ${live.blocksChanged} changed blocks` : ''}` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {picking ? <ImagePickerDialog serverId={server.id} serverName={title} disk={picking.disk} rvtoolsPath={picking.rvtoolsPath} current={picking.current} onClose={() => setPicking(null)} /> : null}
    </article>
  );
}
