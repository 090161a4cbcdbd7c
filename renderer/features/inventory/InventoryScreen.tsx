import { useWorkbenchShallow } from '../../store';
import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { formatCount, formatMiB } from '../../ui/format';

const PREVIEW_ROWS = 500;

/** Inventory overview: totals and the servers of the project (the full catalog comes with the inventory feature). */
export function InventoryScreen() {
  const { document, demoRequested } = useWorkbenchShallow((s) => ({ document: s.document, demoRequested: s.demoRequested }));
  const servers = document?.inventory.servers ?? [];
  if (servers.length === 0) {
    return (
      <div className="screen">
        <ScreenHeader title="Inventory" />
        <EmptyState
          icon="inventory"
          title="No servers in this project"
          actions={
            <button type="button" className="primary" onClick={() => void demoRequested()}>
              Open the demo estate
            </button>
          }
        >
          Importing RVTools and other inventory exports is not built yet. Open the demo estate to explore the workbench.
        </EmptyState>
      </div>
    );
  }
  const vcpus = servers.reduce((n, s) => n + s.cpu.vcpus, 0);
  const ram = servers.reduce((n, s) => n + s.memoryMiB, 0);
  const storage = servers.reduce((n, s) => n + s.disks.reduce((m, d) => m + (d.provisionedMiB ?? d.capacityMiB), 0), 0);
  return (
    <div className="screen">
      <ScreenHeader title="Inventory" subtitle={`${formatCount(servers.length)} servers from ${new Set(servers.map((s) => s.source.name)).size} sources`} />
      <div className="totals" aria-label="Totals">
        <div><span className="total-value">{formatCount(servers.length)}</span><span className="total-label">Servers</span></div>
        <div><span className="total-value">{formatCount(vcpus)}</span><span className="total-label">vCPU</span></div>
        <div><span className="total-value">{formatMiB(ram)}</span><span className="total-label">Memory</span></div>
        <div><span className="total-value">{formatMiB(storage)}</span><span className="total-label">Provisioned storage</span></div>
      </div>
      <div className="table-wrap">
        <table className="data-table">
          <thead>
            <tr>
              <th>Name</th><th>Source</th><th>Cluster</th><th>Power</th><th>Guest OS</th><th className="num">vCPU</th><th className="num">Memory</th><th className="num">Storage</th><th>IP</th>
            </tr>
          </thead>
          <tbody>
            {servers.slice(0, PREVIEW_ROWS).map((s) => (
              <tr key={s.id}>
                <td className="strong">{s.name}</td>
                <td>{s.source.name}</td>
                <td>{s.place.cluster ?? s.place.host ?? '—'}</td>
                <td><span className={`pill pill-${s.state.power}`}>{s.state.power === 'poweredOn' ? 'On' : s.state.power === 'poweredOff' ? 'Off' : s.state.power}</span></td>
                <td>{s.os.configured ?? s.os.reported ?? '—'}</td>
                <td className="num">{s.cpu.vcpus}</td>
                <td className="num">{formatMiB(s.memoryMiB)}</td>
                <td className="num">{formatMiB(s.disks.reduce((m, d) => m + (d.provisionedMiB ?? d.capacityMiB), 0))}</td>
                <td className="mono">{s.nics[0]?.ipv4[0] ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
