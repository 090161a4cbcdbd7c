import { useState } from 'react';
import type { MgnStatus } from '../../../main/common/model/mgn';
import { MATCH_LABEL, awsStateLabel } from '../../../main/common/dashboard/mgn-labels';
import { formatBytes, formatTime } from '../../ui/format';

/** AWS's side: servers MGN (or SMS) replicates, matched to the inventory, from a saved response or read live. */
export function MgnPanel({ status, busy, error, onFiles, onPath, onAws }: { status: MgnStatus | null; busy: boolean; error: string | null; onFiles: (files: File[]) => void; onPath: (path: string) => void; onAws: (region: string, profile: string) => void }) {
  const [path, setPath] = useState('');
  const [region, setRegion] = useState('');
  const [profile, setProfile] = useState('');
  return (
    <section className="panel dash-panel" aria-labelledby="mgn-title">
      <h2 id="mgn-title">AWS Application Migration Service</h2>
      <p className="muted small">Servers MGN replicates (DescribeSourceServers and DescribeJobs), matched to this inventory by VMware UUID, host name or IP. Offline: load the responses saved with <code>aws mgn describe-source-servers</code> and <code>aws mgn describe-jobs</code> (or an SMS GetReplicationJobs response).</p>
      <div className="mgn-sources">
        <label className="file-input-label">
          <input
            type="file"
            multiple
            accept=".json,application/json"
            aria-label="Load saved MGN responses"
            disabled={busy}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              if (files.length) onFiles(files);
            }}
          />
          <span>Load saved responses…</span>
        </label>
        <div className="row-input">
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/describe-source-servers.json" aria-label="Path of a saved MGN response" spellCheck={false} onKeyDown={(e) => e.key === 'Enter' && path.trim() && onPath(path.trim())} />
          <button type="button" disabled={busy || !path.trim()} onClick={() => onPath(path.trim())}>Load</button>
        </div>
        <div className="row-input">
          <input value={region} onChange={(e) => setRegion(e.target.value)} placeholder="eu-central-1" aria-label="AWS Region" spellCheck={false} />
          <input value={profile} onChange={(e) => setProfile(e.target.value)} placeholder="profile (optional)" aria-label="AWS profile" spellCheck={false} />
          <button type="button" disabled={busy || !region.trim()} onClick={() => onAws(region.trim(), profile.trim())}>Read from AWS</button>
        </div>
      </div>
      {busy ? <p className="small muted" role="status">Reading…</p> : null}
      {error ? <p className="inline-error" role="alert">{error}</p> : null}
      {status ? (
        <>
          <p className="small" data-testid="mgn-source">
            {status.source.name}, read {formatTime(status.readAt)}: {status.servers.length} source servers, {status.matched} matched to the inventory, {status.unmatched} not; {status.jobs.length} jobs.
          </p>
          <div className="table-wrap" tabIndex={0}>
            <table className="data-table" aria-label="Servers AWS replicates">
              <thead>
                <tr><th>AWS server</th><th>Inventory server</th><th>Life cycle</th><th>Replication</th><th>Replicated</th><th>Last job</th></tr>
              </thead>
              <tbody>
                {status.servers.map((s) => (
                  <tr key={`${s.service} ${s.id}`}>
                    <td title={s.id}>{s.name} <span className="muted small">{s.service === 'sms' ? 'SMS' : 'MGN'}</span></td>
                    <td>{s.serverName ?? <span className="muted">—</span>} <span className="muted small">{MATCH_LABEL[s.match]}</span></td>
                    <td>{awsStateLabel(s.lifeCycle)}</td>
                    <td className={s.error ? 'cell-error' : undefined}>{awsStateLabel(s.replicationState)}{s.error ? ` — ${s.error}` : ''}</td>
                    <td>{s.totalBytes ? `${formatBytes(s.replicatedBytes)} of ${formatBytes(s.totalBytes)}` : '—'}</td>
                    <td>{s.lastJob ? `${awsStateLabel(s.lastJob.kind)}: ${awsStateLabel(s.lastJob.status)}${s.lastJob.launchedInstanceId ? ` (${s.lastJob.launchedInstanceId})` : ''}${s.lastJob.amiId ? ` ${s.lastJob.amiId}` : ''}` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : (
        <p className="muted small">No MGN data loaded in this session.</p>
      )}
    </section>
  );
}
