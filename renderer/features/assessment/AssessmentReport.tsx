import { useEffect } from 'react';
import type { AssessmentResult, CostTotals } from '../../../main/common/assess/assess';
import { assumptionRows } from '../../../main/common/assess/report';
import { APPROACH_LABEL, type Approach } from '../../../main/common/assess/approach';
import { READINESS_LABEL, SEVERITY_LABEL, type Readiness } from '../../../main/common/assess/readiness';
import { AssessmentCharts } from './AssessmentCharts';
import { formatUsd } from './assessment.format';

function TotalsRow({ name, t }: { name: string; t: CostTotals }) {
  return (
    <tr>
      <td>{name}</td>
      <td className="num">{t.servers}</td>
      <td className="num">{t.moving}</td>
      <td className="num">{formatUsd(t.computeMonthlyUsd)}</td>
      <td className="num">{formatUsd(t.storageMonthlyUsd)}</td>
      <td className="num strong">{formatUsd(t.monthlyUsd)}</td>
    </tr>
  );
}

function TotalsTable({ label, rows, estate }: { label: string; rows: Array<CostTotals & { id: string; name: string }>; estate?: CostTotals }) {
  return (
    <table className="report-table" aria-label={`Cost by ${label.toLowerCase()}`}>
      <thead><tr><th>{label}</th><th className="num">Servers</th><th className="num">Moving</th><th className="num">Compute / month</th><th className="num">Storage / month</th><th className="num">Total / month</th></tr></thead>
      <tbody>
        {rows.map((r) => <TotalsRow key={r.id} name={r.name} t={r} />)}
        {estate ? <TotalsRow name="Estate" t={estate} /> : null}
      </tbody>
    </table>
  );
}

/**
 * The printable hand-over report (the browser or Electron prints it to PDF): assumptions, totals, the charts at a
 * fixed size, costs per application and wave, the findings by kind.
 */
export function AssessmentReport({ result, project, customer, onClose }: { result: AssessmentResult; project: string; customer: string; onClose(): void }) {
  useEffect(() => {
    document.body.classList.add('printing-report');
    return () => document.body.classList.remove('printing-report');
  }, []);
  const byTitle = new Map<string, { severity: string; count: number; fix: string }>();
  for (const s of result.servers) for (const f of s.findings) {
    const k = `${f.severity}|${f.title}`;
    const e = byTitle.get(k);
    if (e) e.count++;
    else byTitle.set(k, { severity: SEVERITY_LABEL[f.severity], count: 1, fix: f.fix });
  }
  const findings = [...byTitle.entries()].sort((a, b) => b[1].count - a[1].count);
  return (
    <article className="assessment-report" aria-label="Assessment report">
      <div className="report-actions no-print">
        <button type="button" onClick={onClose}>Back to the assessment</button>
        <button type="button" className="primary" onClick={() => window.print()}>Print or save as PDF</button>
      </div>
      <header>
        <h1>Migration assessment: {project}</h1>
        {customer ? <p>Customer: {customer}</p> : null}
        <p className="muted">Generated {new Date().toISOString().slice(0, 10)} · On-Demand prices in USD from the bundled EC2 catalog and EBS price list · estimates, not a quote</p>
      </header>
      <section>
        <h2>Summary</h2>
        <div className="report-kpis">
          <div><span className="total-value">{result.estate.servers}</span><span className="total-label">servers assessed</span></div>
          <div><span className="total-value">{result.estate.moving}</span><span className="total-label">move to EC2</span></div>
          <div><span className="total-value">{formatUsd(result.estate.monthlyUsd)}</span><span className="total-label">per month on EC2</span></div>
          <div><span className="total-value">{result.readiness['not-ready']}</span><span className="total-label">not ready</span></div>
        </div>
        <table className="report-table" aria-label="Assumptions">
          <tbody>{assumptionRows(result.assumptions).map(([k, v]) => <tr key={String(k)}><th>{k}</th><td>{v}</td></tr>)}</tbody>
        </table>
        <table className="report-table" aria-label="Readiness and approach">
          <tbody>
            {(Object.keys(READINESS_LABEL) as Readiness[]).map((k) => <tr key={k}><th>{READINESS_LABEL[k]}</th><td className="num">{result.readiness[k]}</td></tr>)}
            {(Object.keys(APPROACH_LABEL) as Approach[]).map((k) => <tr key={k}><th>{APPROACH_LABEL[k]}</th><td className="num">{result.approaches[k]}</td></tr>)}
          </tbody>
        </table>
      </section>
      <section className="report-charts">
        <h2>Charts</h2>
        <AssessmentCharts result={result} fixed={{ width: 330, height: 230 }} />
      </section>
      <section>
        <h2>Costs</h2>
        <TotalsTable label="Application" rows={result.byApplication} />
        <TotalsTable label="Wave" rows={result.byWave} estate={result.estate} />
      </section>
      <section>
        <h2>Findings</h2>
        <table className="report-table" aria-label="Findings by kind">
          <thead><tr><th>Severity</th><th>Finding</th><th className="num">Servers</th><th>Fix</th></tr></thead>
          <tbody>{findings.map(([k, f]) => <tr key={k}><td>{f.severity}</td><td>{k.split('|')[1]}</td><td className="num">{f.count}</td><td>{f.fix}</td></tr>)}</tbody>
        </table>
      </section>
    </article>
  );
}
