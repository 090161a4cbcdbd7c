import type { Server, Utilization } from '../../../main/common/model/server';
import type { ServerConnectionRow } from '../../../main/common/model/connections';
import { formatCount, formatKBps, formatMiB, label } from '../../ui/format';
import { Icon } from '../../ui/icons';
import { ServerAssessmentPanel } from '../assessment/ServerAssessmentPanel';

function Field({ label, value, prov }: { label: string; value: string | number | undefined | null; prov?: string | undefined }) {
  return (
    <>
      <dt>{label}</dt>
      <dd title={prov ? `From ${prov}` : undefined}>
        {value === undefined || value === null || value === '' ? <span className="muted">—</span> : value}
        {prov ? <span className="prov">{prov}</span> : null}
      </dd>
    </>
  );
}

const UTILIZATION_ROWS: { label: string; unit: string; avg: keyof Utilization; p95?: keyof Utilization; max?: keyof Utilization }[] = [
  { label: 'CPU', unit: '%', avg: 'cpuAvgPct', p95: 'cpuP95Pct', max: 'cpuMaxPct' },
  { label: 'Memory', unit: '%', avg: 'memAvgPct', p95: 'memP95Pct', max: 'memMaxPct' },
  { label: 'Disk read', unit: 'KB/s', avg: 'diskReadKBps', p95: 'diskReadKBpsP95', max: 'diskReadKBpsMax' },
  { label: 'Disk write', unit: 'KB/s', avg: 'diskWriteKBps', p95: 'diskWriteKBpsP95', max: 'diskWriteKBpsMax' },
  { label: 'Disk I/O', unit: 'IOPS', avg: 'diskIops', p95: 'diskIopsP95', max: 'diskIopsMax' },
  { label: 'Network in', unit: 'KB/s', avg: 'netInKBps', p95: 'netInKBpsP95', max: 'netInKBpsMax' },
  { label: 'Network out', unit: 'KB/s', avg: 'netOutKBps', p95: 'netOutKBpsP95', max: 'netOutKBpsMax' },
  // vCenter at statistics level 1 keeps only the sums (disk.usage, net.usage).
  { label: 'Disk (read + write)', unit: 'KB/s', avg: 'diskTotalKBps', p95: 'diskTotalKBpsP95', max: 'diskTotalKBpsMax' },
  { label: 'Network (in + out)', unit: 'KB/s', avg: 'netTotalKBps', p95: 'netTotalKBpsP95', max: 'netTotalKBpsMax' },
];

const figure = (n: number | undefined, unit: string) => (n === undefined ? '—' : unit === 'KB/s' ? formatKBps(n) : `${n.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${unit}`);

/** Average, p95 and max per measure, how long it was measured and where the figures came from. */
function UtilizationSection({ server }: { server: Server }) {
  const u = server.utilization;
  if (!u) return null;
  const rows = UTILIZATION_ROWS.filter((r) => [r.avg, r.p95, r.max].some((k) => k && u[k] !== undefined));
  if (!rows.length) return null;
  const p = server.provenance;
  const origin = p.utilization ?? [...new Set(rows.flatMap((r) => [r.avg, r.p95, r.max].map((k) => (k ? p[`utilization.${k}`] : undefined)).filter((x): x is string => !!x)))].join('; ');
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const days = u.periodSeconds === undefined ? null : u.periodSeconds >= 86_400 ? plural(Math.round(u.periodSeconds / 86_400), 'day') : u.periodSeconds >= 3600 ? plural(Math.round(u.periodSeconds / 3600), 'hour') : plural(Math.round(u.periodSeconds / 60), 'minute');
  return (
    <section>
      <h3>Utilization</h3>
      <p className="muted small">{u.samples !== undefined && days ? `${formatCount(u.samples)} samples over ${days}.` : 'One reading, not measured over a period.'}</p>
      <table className="mini-table" aria-label="Utilization">
        <thead><tr><th>Measure</th><th className="num">Average</th><th className="num">p95</th><th className="num">Max</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}><td>{r.label}</td><td className="num">{figure(u[r.avg], r.unit)}</td><td className="num">{figure(r.p95 && u[r.p95], r.unit)}</td><td className="num">{figure(r.max && u[r.max], r.unit)}</td></tr>
          ))}
        </tbody>
      </table>
      {origin ? <span className="prov">From {origin}</span> : null}
    </section>
  );
}

/** Everything known about one server, with where each value came from. */
export function ServerDetail({ server, error, connections, onClose }: { server: Server | null; error: string | null; connections?: ServerConnectionRow[] | null; onClose(): void }) {
  if (error) return <aside className="detail" aria-label="Server details"><div className="inline-error">{error}</div></aside>;
  if (!server) return <aside className="detail" aria-label="Server details"><div className="muted detail-loading">Loading…</div></aside>;
  const p = server.provenance;
  const prov = server.storage?.provisionedMiB ?? server.disks.reduce((n, d) => n + (d.provisionedMiB ?? d.capacityMiB), 0);
  return (
    <aside className="detail" aria-label={`Details of ${server.name}`}>
      <header className="detail-header">
        <div>
          <h2>{server.name}</h2>
          <div className="muted small">
            {server.source.name} · {server.vmManager.name ?? label('vmManagerType', server.vmManager.type)}
          </div>
        </div>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close details" title="Close details (Escape)" aria-keyshortcuts="Escape">
          <Icon name="close" size={16} />
        </button>
      </header>
      <div className="detail-body" tabIndex={0} aria-label={`Details of ${server.name}, scrollable`}>
        <section>
          <h3>Machine</h3>
          <dl className="kv">
            <Field label="Power" value={server.state.template ? 'Template' : label('power', server.state.power)} prov={p['state.power']} />
            <Field label="Guest OS (tools)" value={server.os.reported} prov={p['os.reported']} />
            <Field label="Guest OS (config)" value={server.os.configured} prov={p['os.configured']} />
            <Field label="vCPU" value={`${server.cpu.vcpus}${server.cpu.sockets ? ` (${server.cpu.sockets} × ${server.cpu.coresPerSocket ?? 1})` : ''}`} prov={p['cpu.vcpus']} />
            <Field label="Memory" value={server.memoryMiB ? formatMiB(server.memoryMiB) : undefined} prov={p.memoryMiB} />
            <Field label="Provisioned" value={prov ? formatMiB(prov) : undefined} prov={p['storage.provisionedMiB'] ?? p.disks} />
            <Field label="Used" value={server.storage?.usedMiB !== undefined ? formatMiB(server.storage.usedMiB) : undefined} prov={p['storage.usedMiB']} />
            <Field label="Firmware" value={`${label('firmware', server.firmware.type)}${server.firmware.secureBoot ? ', secure boot' : ''}`} prov={p['firmware.type']} />
            <Field label="VMware Tools" value={server.state.tools ? label('tools', server.state.tools) : undefined} prov={p['state.tools']} />
            <Field label="CBT" value={server.cbt === undefined ? undefined : server.cbt ? 'enabled' : 'disabled'} prov={p.cbt} />
          </dl>
        </section>
        <ServerAssessmentPanel server={server} />
        <UtilizationSection server={server} />
        <section>
          <h3>Place and identity</h3>
          <dl className="kv">
            <Field label="Datacenter" value={server.place.datacenter} prov={p['place.datacenter']} />
            <Field label="Cluster" value={server.place.cluster} prov={p['place.cluster']} />
            <Field label="Host" value={server.place.host} prov={p['place.host']} />
            <Field label="Folder" value={server.place.folder} prov={p['place.folder']} />
            <Field label="MoRef" value={server.identity.moref} prov={p['identity.moref']} />
            <Field label="SMBIOS UUID" value={server.identity.smbiosUuid} prov={p['identity.smbiosUuid']} />
            <Field label="FQDN" value={server.identity.fqdn} prov={p['identity.fqdn']} />
            <Field label="External id" value={server.identity.externalId} prov={p['identity.externalId']} />
          </dl>
        </section>
        <section>
          <h3>Disks ({server.disks.length})</h3>
          {server.disks.length ? (
            <table className="mini-table" aria-label="Disks">
              <thead><tr><th>Disk</th><th className="num">Capacity</th><th>Thin</th><th>Mode</th></tr></thead>
              <tbody>
                {server.disks.map((d, i) => (
                  <tr key={i}><td>{d.label}</td><td className="num">{formatMiB(d.capacityMiB)}</td><td>{d.thin === undefined ? '—' : d.thin ? 'yes' : 'no'}</td><td>{d.mode ?? '—'}</td></tr>
                ))}
              </tbody>
            </table>
          ) : <p className="muted small">No per-disk data in the source.</p>}
        </section>
        <section>
          <h3>Partitions ({server.partitions.length})</h3>
          {server.partitions.length ? (
            <table className="mini-table" aria-label="Partitions">
              <thead><tr><th>Path</th><th className="num">Capacity</th><th className="num">Free</th></tr></thead>
              <tbody>
                {server.partitions.map((x, i) => (
                  <tr key={i}><td className="mono">{x.path}</td><td className="num">{formatMiB(x.capacityMiB)}</td><td className="num">{x.freeMiB === undefined ? '—' : formatMiB(x.freeMiB)}</td></tr>
                ))}
              </tbody>
            </table>
          ) : <p className="muted small">None reported.</p>}
        </section>
        <section>
          <h3>Network adapters ({server.nics.length})</h3>
          {server.nics.length ? (
            <table className="mini-table" aria-label="Network adapters">
              <thead><tr><th>Adapter</th><th>Network</th><th>MAC</th><th>IP</th></tr></thead>
              <tbody>
                {server.nics.map((n, i) => (
                  <tr key={i}><td>{n.label ?? `NIC ${i + 1}`}</td><td>{n.network ?? <span className="muted">none</span>}</td><td className="mono">{n.mac ?? '—'}</td><td className="mono">{[...n.ipv4, ...n.ipv6].join(', ') || '—'}</td></tr>
                ))}
              </tbody>
            </table>
          ) : <p className="muted small">None reported.</p>}
        </section>
        {connections ? (
          <section>
            <h3>Connections ({connections.length})</h3>
            {connections.length ? (
              <table className="mini-table" aria-label="Connections">
                <thead><tr><th>Direction</th><th>Peer</th><th className="num">Port</th><th>Process</th><th className="num">Seen</th></tr></thead>
                <tbody>
                  {connections.map((c, i) => (
                    <tr key={i}>
                      <td>{c.direction === 'in' ? '← in' : '→ out'}</td>
                      <td>{c.peer}{c.peerServerId ? null : <span className="muted small"> (not in inventory)</span>}</td>
                      <td className="num mono">{c.port}/{c.protocol}</td>
                      <td className="mono">{c.process ?? '—'}</td>
                      <td className="num">{c.count}×</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <p className="muted small">No dependency observed for this server in the imported dependency data.</p>}
          </section>
        ) : null}
        {server.snapshots.length ? (
          <section>
            <h3>Snapshots ({server.snapshots.length})</h3>
            <ul className="plain-list">{server.snapshots.map((s, i) => <li key={i}>{s.name}{s.createdAt ? ` · ${s.createdAt.slice(0, 10)}` : ''}{s.sizeMiB ? ` · ${formatMiB(s.sizeMiB)}` : ''}</li>)}</ul>
          </section>
        ) : null}
        {Object.keys(server.tags).length ? (
          <section>
            <h3>Tags and custom attributes</h3>
            <dl className="kv">{Object.entries(server.tags).map(([k, v]) => <Field key={k} label={k} value={v} prov={p[`tags.${k}`]} />)}</dl>
          </section>
        ) : null}
        {server.annotation ? (
          <section>
            <h3>Annotation</h3>
            <p className="annotation">{server.annotation}</p>
          </section>
        ) : null}
      </div>
    </aside>
  );
}
