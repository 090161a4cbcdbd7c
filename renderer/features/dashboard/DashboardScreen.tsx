import { useMemo } from 'react';
import { dashboardSummary, type LiveJobState } from '../../../main/common/dashboard/summary';
import { useWorkbenchShallow } from '../../store';
import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { formatBytes, formatTime, label } from '../../ui/format';
import { DashboardCharts } from './DashboardCharts';
import { MgnPanel } from './MgnPanel';
import type { LiveDisk, LiveJob } from './dashboard.slice';
import './dashboard.css';

const RECENT_RUNS = 10;
/** Job states in which a disk's stage and rate are current. */
const ACTIVE: ReadonlySet<LiveJob['state']> = new Set(['queued', 'running', 'paused']);
const NOTIFY_TEXT = { app: 'Desktop notifications are on.', unsupported: 'This browser has no desktop notifications; finished runs show as notices here.', granted: 'Desktop notifications are on.', denied: 'Desktop notifications are blocked in this browser; finished runs show as notices here.', default: '' } as const;

/** The Migration Hub view: the plan's progress, replication live and its history, and AWS MGN's side. */
export function DashboardScreen() {
  const s = useWorkbenchShallow((st) => ({
    doc: st.document,
    isDemo: st.meta?.isDemo ?? false,
    liveJobs: st.liveJobs,
    liveDisks: st.liveDisks,
    throughput: st.throughput,
    mgn: st.mgnStatus,
    mgnBusy: st.mgnBusy,
    mgnError: st.mgnError,
    notifications: st.desktopNotifications,
    mgnFilesChosen: st.mgnFilesChosen,
    mgnPathsRequested: st.mgnPathsRequested,
    mgnAwsRequested: st.mgnAwsRequested,
    notificationsRequested: st.desktopNotificationsRequested,
  }));
  const jobs = useMemo(() => Object.values(s.liveJobs).sort((a, b) => b.at.localeCompare(a.at)), [s.liveJobs]);
  const live = useMemo(() => {
    const m = new Map<string, LiveJobState>();
    // Oldest first so the newest job of a server wins.
    for (const j of [...jobs].reverse()) m.set(j.serverId, { state: j.state, amiId: j.amiId });
    return m;
  }, [jobs]);
  const summary = useMemo(() => (s.doc ? dashboardSummary(s.doc, live) : null), [s.doc, live]);
  if (!s.doc || !summary) return <div className="loading">Loading…</div>;
  const names = new Map(s.doc.inventory.servers.map((x) => [x.id, x.name]));
  const disksOf = (j: LiveJob): LiveDisk[] => Object.values(s.liveDisks).filter((d) => d.jobId === j.jobId);
  const running = jobs.filter((j) => j.state === 'running').reduce((n, j) => n + disksOf(j).filter((d) => d.stage !== 'done').length, 0);
  const demo = s.isDemo && summary.runs.length > 0;

  if (!s.doc.inventory.servers.length) {
    return (
      <div className="screen">
        <ScreenHeader title="Dashboard" />
        <EmptyState icon="dashboard" title="Nothing to track yet">Import an inventory and plan applications; the dashboard then shows their progress, replication live and its history.</EmptyState>
      </div>
    );
  }
  return (
    <div className="screen dashboard-screen">
      <ScreenHeader
        title="Dashboard"
        subtitle="Applications, waves and replication: live while jobs run, and the history of finished runs from the project. Each chart copies or saves as PNG for a status report."
        actions={
          s.notifications === 'default' ? (
            <button type="button" onClick={() => void s.notificationsRequested()}>Turn on desktop notifications</button>
          ) : (
            <span className="muted small dash-notify">{NOTIFY_TEXT[s.notifications]}</span>
          )
        }
      />
      {demo ? <p className="dash-demo-note" role="note">Demo data: the run history of the demo estate is generated, nothing was replicated.</p> : null}
      <DashboardCharts summary={summary} throughput={s.throughput} running={running} />
      <div className="dash-side-by-side">
        <section className="panel dash-panel" aria-labelledby="jobs-title">
          <h2 id="jobs-title">Workbench jobs</h2>
          {jobs.length ? (
            <div className="table-wrap" tabIndex={0}>
              <table className="data-table" aria-label="Workbench replication jobs in this session">
                <thead>
                  <tr><th>Server</th><th>State</th><th>Transport</th><th>Disk</th><th>Stage</th><th>Progress</th><th>Rate</th></tr>
                </thead>
                <tbody>
                  {jobs.flatMap((j) => {
                    const disks = disksOf(j);
                    const rows = disks.length ? disks : [null];
                    return rows.map((d, i) => (
                      <tr key={`${j.jobId} ${d?.disk ?? ''}`}>
                        <td>{i === 0 ? (names.get(j.serverId) ?? j.serverId) : ''}</td>
                        <td className={j.state === 'failed' || j.state === 'inconsistent' ? 'cell-error' : undefined}>{i === 0 ? <>{label('jobState', j.state)}{j.amiId ? <span className="dash-job-ami">{j.amiId}</span> : null}</> : ''}</td>
                        <td>{i === 0 ? label('transport', j.transport) : ''}</td>
                        <td>{d?.disk ?? '—'}</td>
                        <td>{d && ACTIVE.has(j.state) ? label('replicationStage', d.stage) : '—'}</td>
                        <td>{d && d.bytesTotal ? <progress max={d.bytesTotal} value={d.bytesRead} aria-label={`${names.get(j.serverId) ?? j.serverId} ${d.disk}: ${Math.floor((d.bytesRead / d.bytesTotal) * 100)}%`} /> : '—'}</td>
                        <td>{d && d.stage !== 'done' && ACTIVE.has(j.state) ? `${formatBytes(d.rate)}/s` : '—'}</td>
                      </tr>
                    ));
                  })}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted small">No replication job has run in this session. Finished runs are listed below from the project.</p>
          )}
        </section>
        <MgnPanel status={s.mgn} busy={s.mgnBusy} error={s.mgnError} onFiles={(f) => void s.mgnFilesChosen(f)} onPath={(p) => void s.mgnPathsRequested([p])} onAws={(region, profile) => void s.mgnAwsRequested({ region, ...(profile ? { profile } : {}) })} />
      </div>
      <section className="panel dash-panel" aria-labelledby="runs-title">
        <h2 id="runs-title">Recent runs</h2>
        {summary.runs.length ? (
          <div className="table-wrap" tabIndex={0}>
            <table className="data-table" aria-label="Recent replication runs">
              <thead>
                <tr><th>Server</th><th>Finished</th><th>Status</th><th>Transport</th><th>Sent of disk</th><th>AMI</th></tr>
              </thead>
              <tbody>
                {summary.runs.slice(0, RECENT_RUNS).map((r) => (
                  <tr key={`${r.serverId} ${r.at}`}>
                    <td>{r.serverName}</td>
                    <td>{formatTime(r.at)}</td>
                    <td className={r.status === 'completed' ? 'dash-run-status' : 'dash-run-status cell-error'}>{label('runStatus', r.status)}{r.message ? ` — ${r.message}` : ''}</td>
                    <td>{label('transport', r.transport)}</td>
                    <td>{r.bytesTotal !== null ? `${formatBytes(r.bytesSent ?? 0)} of ${formatBytes(r.bytesTotal)}` : '—'}</td>
                    <td>{r.amiId ?? <span className="muted">none</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted small">No replication run is recorded in this project yet.</p>
        )}
      </section>
    </div>
  );
}
