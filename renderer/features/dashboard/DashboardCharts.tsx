import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { AppStatus, DashboardSummary, ServerStage } from '../../../main/common/dashboard/summary';
import { formatBytes } from '../../ui/format';
import { ChartFigure } from './ChartFigure';

const APP_COLOR: Record<AppStatus, string> = { 'not-started': '#98a2b3', 'in-progress': '#2457c5', completed: '#067647', error: '#b42318' };
const STAGE_COLOR: Record<ServerStage, string> = { 'not-started': '#98a2b3', mapped: '#7a5af8', replicating: '#2457c5', replicated: '#12b76a', 'ami-ready': '#067647', error: '#b42318' };
const GiB = 2 ** 30;
const anim = false;
const short = (s: string, n = 16) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: '2-digit', month: 'short' });
const clock = (t: number) => new Date(t).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const rate = (v: number) => `${formatBytes(v)}/s`;
/** Legend entries in the order the bars stack, in body text colour (recharts colours them like the bar: too faint to read). */
const legend = { itemSorter: null, formatter: (v: unknown) => <span className="dash-legend-text">{String(v)}</span> } as const;
/** Runs in the bytes chart: enough to compare, few enough to read. */
const BYTES_RUNS = 8;

/** Applications by status, servers by stage, throughput, bytes sent against disk size, waves. */
export function DashboardCharts({ summary, throughput, running }: { summary: DashboardSummary; throughput: { t: number; bytesPerSecond: number }[]; running: number }) {
  // Bytes sent against disk size: the newest 12 runs that recorded sizes, oldest on the left.
  const runs = summary.runs
    .filter((r) => r.bytesTotal !== null)
    .slice(0, BYTES_RUNS)
    .reverse()
    .map((r) => ({ name: r.serverName, label: `${r.serverName}, ${day(r.at)}`, disk: r.bytesTotal! / GiB, sent: (r.bytesSent ?? 0) / GiB }));
  const saved = runs.reduce((n, r) => n + (r.disk - r.sent), 0);
  const total = runs.reduce((n, r) => n + r.disk, 0);
  const tp = throughput.map((p) => ({ t: p.t, rate: p.bytesPerSecond }));
  const waves = summary.waves.map((w) => ({ name: w.name, Replicated: w.done, Replicating: w.replicating, Error: w.error, 'Not started': w.notStarted }));
  const gib = (v: unknown) => `${Number(v).toFixed(1)} GiB`;
  return (
    <div className="chart-grid dash-grid">
      <ChartFigure id="chart-app-status" title="Applications by status" summary={summary.applications.map((a) => `${a.label} ${a.count}`).join(', ')} empty={summary.applications.every((a) => !a.count) ? 'No applications planned yet (Applications screen).' : null}>
        <BarChart data={summary.applications} margin={{ left: 0, right: 16, top: 8 }}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} interval={0} />
          <YAxis allowDecimals={false} width={36} />
          <Tooltip />
          <Bar dataKey="count" name="Applications" isAnimationActive={anim} label={{ position: 'top', fontSize: 11 }}>
            {summary.applications.map((a) => <Cell key={a.status} fill={APP_COLOR[a.status]} />)}
          </Bar>
        </BarChart>
      </ChartFigure>
      <ChartFigure id="chart-server-stage" title="Servers by stage" summary={summary.stages.map((s) => `${s.label} ${s.count}`).join(', ')} empty={summary.servers ? null : 'No servers planned or mapped for replication yet.'}>
        <BarChart data={summary.stages} layout="vertical" margin={{ left: 8, right: 28 }}>
          <CartesianGrid horizontal={false} stroke="#eef0f3" />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="label" width={96} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar dataKey="count" name="Servers" isAnimationActive={anim} label={{ position: 'right', fontSize: 11 }}>
            {summary.stages.map((s) => <Cell key={s.stage} fill={STAGE_COLOR[s.stage]} />)}
          </Bar>
        </BarChart>
      </ChartFigure>
      <ChartFigure
        id="chart-throughput"
        title="Replication throughput"
        summary={tp.length ? `${running} disks running, now ${rate(tp[tp.length - 1]!.rate)}, peak ${rate(Math.max(...tp.map((p) => p.rate)))}` : 'no replication running'}
        empty={tp.length ? null : 'No replication is running. Throughput appears here live while jobs run (Replication screen or mwb replicate in the app).'}
      >
        <LineChart data={tp} margin={{ left: 8, right: 16, top: 8 }}>
          <CartesianGrid stroke="#eef0f3" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={clock} tick={{ fontSize: 11 }} />
          <YAxis tickFormatter={(v: number) => rate(v)} width={78} tick={{ fontSize: 11 }} />
          <Tooltip labelFormatter={(t) => clock(Number(t))} formatter={(v) => rate(Number(v))} />
          <Line dataKey="rate" name="Read rate" stroke="#2457c5" dot={false} isAnimationActive={anim} />
        </LineChart>
      </ChartFigure>
      <ChartFigure
        id="chart-bytes"
        title="Bytes sent against disk size"
        summary={runs.length ? `${runs.length} newest runs: ${gib(runs.reduce((n, r) => n + r.sent, 0))} sent of ${gib(total)} of disks; incremental runs saved ${gib(saved)}` : 'no runs recorded'}
        empty={runs.length ? null : 'No replication run recorded in this project yet.'}
      >
        <BarChart data={runs} margin={{ left: 8, right: 16, top: 8 }}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="name" tickFormatter={(v: string) => short(v, 12)} tick={{ fontSize: 10 }} interval={0} angle={-30} textAnchor="end" height={54} />
          <YAxis tickFormatter={(v: number) => `${v} GiB`} width={64} tick={{ fontSize: 11 }} />
          <Tooltip formatter={gib} labelFormatter={(_, p) => (p[0]?.payload as { label?: string } | undefined)?.label ?? ''} />
          <Legend {...legend} />
          <Bar dataKey="disk" name="Disk size" fill="#98a2b3" isAnimationActive={anim} />
          <Bar dataKey="sent" name="Bytes sent" fill="#2457c5" isAnimationActive={anim} />
        </BarChart>
      </ChartFigure>
      <ChartFigure
        id="chart-waves"
        title="Waves"
        summary={waves.length ? summary.waves.map((w) => `${w.name}: ${w.done} of ${w.servers} replicated${w.replicating ? `, ${w.replicating} replicating` : ''}${w.error ? `, ${w.error} in error` : ''}`).join('; ') : 'no waves planned'}
        empty={waves.length ? null : 'No waves planned yet (Applications screen).'}
      >
        <BarChart data={waves} layout="vertical" margin={{ left: 8, right: 16 }}>
          <CartesianGrid horizontal={false} stroke="#eef0f3" />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="name" width={130} tickFormatter={(v: string) => short(v, 20)} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend {...legend} />
          <Bar dataKey="Replicated" stackId="w" fill="#067647" isAnimationActive={anim} />
          <Bar dataKey="Replicating" stackId="w" fill="#2457c5" isAnimationActive={anim} />
          <Bar dataKey="Error" stackId="w" fill="#b42318" isAnimationActive={anim} />
          <Bar dataKey="Not started" stackId="w" fill="#d0d5dd" isAnimationActive={anim} />
        </BarChart>
      </ChartFigure>
    </div>
  );
}
