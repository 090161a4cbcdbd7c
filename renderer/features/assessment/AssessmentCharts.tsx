import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AssessmentResult } from '../../../main/common/assess/assess';
import { READINESS_LABEL, type Readiness } from '../../../main/common/assess/readiness';
import { formatUsd } from './assessment.format';

const READINESS_COLOR: Record<Readiness, string> = { ready: '#067647', conditional: '#b54708', 'not-ready': '#b42318', unknown: '#98a2b3' };
const ACCENT = '#2457c5';
const SECOND = '#7a5af8';

/** A chart with an accessible name and a caption; `summary` is what a screen reader hears instead of the drawing. */
function Figure({ id, title, summary, children, fixed }: { id: string; title: string; summary: string; children: ReactNode; fixed?: { width: number; height: number } | undefined }) {
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <div role="img" aria-label={`${title}: ${summary}`} className="chart-body">
        {fixed ? children : <ResponsiveContainer width="100%" height={220}>{children as React.ReactElement}</ResponsiveContainer>}
      </div>
    </figure>
  );
}

const short = (s: string, n = 18) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Shorter OS names for the axis (the accessible summary keeps the full names). */
const osShort = (s: string) => s.replace('Red Hat Enterprise Linux', 'RHEL').replace('SUSE Linux Enterprise Server', 'SLES').replace('Windows Server', 'Windows');

/** Readiness, OS mix, cost by application and by wave, on-premises against the EC2 proposal. */
export function AssessmentCharts({ result, fixed }: { result: AssessmentResult; fixed?: { width: number; height: number } }) {
  const size = fixed ?? { width: 0, height: 0 };
  const dims = fixed ? { width: size.width, height: size.height } : {};
  // No animation: a change of assumptions redraws at once (and the print view is complete when it appears).
  const anim = false;
  const readiness = (Object.keys(READINESS_LABEL) as Readiness[]).map((k) => ({ key: k, name: READINESS_LABEL[k], value: result.readiness[k] })).filter((d) => d.value > 0);
  const os = result.osMix.slice(0, 8).map((o) => ({ name: o.label, servers: o.servers }));
  const rest = result.osMix.slice(8).reduce((n, o) => n + o.servers, 0);
  if (rest) os.push({ name: 'Other', servers: rest });
  const apps = result.byApplication.filter((a) => a.servers).map((a) => ({ name: a.name, compute: a.computeMonthlyUsd, storage: a.storageMonthlyUsd }));
  const waves = result.byWave.filter((w) => w.servers).map((w) => ({ name: w.name, compute: w.computeMonthlyUsd, storage: w.storageMonthlyUsd }));
  const e = result.estate;
  const compare = [
    { name: 'vCPU', onPrem: e.onPrem.vcpu, ec2: e.proposed.vcpu },
    { name: 'Memory (GiB)', onPrem: Math.round(e.onPrem.memoryGiB), ec2: Math.round(e.proposed.memoryGiB) },
    { name: 'Storage (TiB)', onPrem: Math.round((e.onPrem.storageGiB / 1024) * 10) / 10, ec2: Math.round((e.proposed.storageGiB / 1024) * 10) / 10 },
  ];
  const money = (v: unknown) => formatUsd(Number(v));
  return (
    <div className="chart-grid">
      <Figure id="chart-readiness" title="Readiness" summary={readiness.map((d) => `${d.name} ${d.value}`).join(', ')} fixed={fixed}>
        <PieChart {...dims}>
          <Pie data={readiness} dataKey="value" nameKey="name" innerRadius="45%" outerRadius="80%" isAnimationActive={anim}>
            {readiness.map((d) => <Cell key={d.key} fill={READINESS_COLOR[d.key]} />)}
          </Pie>
          <Tooltip />
          <Legend />
        </PieChart>
      </Figure>
      <Figure id="chart-os" title="Operating systems" summary={os.map((d) => `${d.name} ${d.servers}`).join(', ')} fixed={fixed}>
        <BarChart data={os} layout="vertical" margin={{ left: 8, right: 16 }} {...dims}>
          <CartesianGrid horizontal={false} stroke="#eef0f3" />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="name" width={150} tickFormatter={(v: string) => short(osShort(v), 22)} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar dataKey="servers" name="Servers" fill={ACCENT} isAnimationActive={anim} />
        </BarChart>
      </Figure>
      <Figure id="chart-apps" title="Monthly cost by application" summary={apps.length ? apps.map((d) => `${d.name} ${formatUsd(d.compute + d.storage)}`).join(', ') : 'no applications planned'} fixed={fixed}>
        <BarChart data={apps} margin={{ left: 8, right: 16 }} {...dims}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="name" interval={0} tickFormatter={(v: string) => short(v, 14)} tick={{ fontSize: 11 }} />
          <YAxis tickFormatter={(v: number) => `$${Math.round(v).toLocaleString('en-US')}`} width={70} />
          <Tooltip formatter={money} />
          <Legend />
          <Bar dataKey="compute" name="Compute" stackId="c" fill={ACCENT} isAnimationActive={anim} />
          <Bar dataKey="storage" name="Storage" stackId="c" fill={SECOND} isAnimationActive={anim} />
        </BarChart>
      </Figure>
      <Figure id="chart-waves" title="Monthly cost by wave" summary={waves.length ? waves.map((d) => `${d.name} ${formatUsd(d.compute + d.storage)}`).join(', ') : 'no waves planned'} fixed={fixed}>
        <BarChart data={waves} margin={{ left: 8, right: 16 }} {...dims}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="name" interval={0} tickFormatter={(v: string) => short(v, 14)} tick={{ fontSize: 11 }} />
          <YAxis tickFormatter={(v: number) => `$${Math.round(v).toLocaleString('en-US')}`} width={70} />
          <Tooltip formatter={money} />
          <Legend />
          <Bar dataKey="compute" name="Compute" stackId="c" fill={ACCENT} isAnimationActive={anim} />
          <Bar dataKey="storage" name="Storage" stackId="c" fill={SECOND} isAnimationActive={anim} />
        </BarChart>
      </Figure>
      <Figure id="chart-size" title="On premises against the EC2 proposal" summary={compare.map((d) => `${d.name}: ${d.onPrem.toLocaleString('en-US')} on premises, ${d.ec2.toLocaleString('en-US')} on EC2`).join('; ')} fixed={fixed}>
        <BarChart data={compare} margin={{ left: 8, right: 16 }} {...dims}>
          <CartesianGrid vertical={false} stroke="#eef0f3" />
          <XAxis dataKey="name" tick={{ fontSize: 11 }} />
          <YAxis width={60} />
          <Tooltip />
          <Legend />
          <Bar dataKey="onPrem" name="On premises (servers moving)" fill="#98a2b3" isAnimationActive={anim} />
          <Bar dataKey="ec2" name="EC2 proposal" fill={ACCENT} isAnimationActive={anim} />
        </BarChart>
      </Figure>
    </div>
  );
}
