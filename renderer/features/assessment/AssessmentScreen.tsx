import { useEffect, useState } from 'react';
import { fileSlug } from '../../../main/common/export/file-names';
import { useWorkbenchShallow } from '../../store';
import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { AssessmentCharts } from './AssessmentCharts';
import { AssessmentReport } from './AssessmentReport';
import { AssumptionsForm } from './AssumptionsForm';
import { FindingsTable } from './FindingsTable';
import { useAssessment } from './assessment.hooks';
import { formatUsd } from './assessment.format';
import './assessment.css';

function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** Readiness, right-sizing, cost and approach of the estate, from the inventory on this laptop. */
export function AssessmentScreen() {
  const s = useWorkbenchShallow((st) => ({
    name: st.document?.name ?? '',
    customer: st.document?.customer ?? '',
    servers: st.document?.inventory.servers.length ?? 0,
    home: st.appInfo?.homeDir ?? '/',
    busy: st.assessmentReportBusy,
    written: st.assessmentReportWritten,
    reportError: st.assessmentReportError,
    print: st.assessmentPrintView,
    change: st.assessmentAssumptionsChanged,
    save: st.assessmentReportSaveRequested,
    togglePrint: st.assessmentPrintViewToggled,
    areaSelected: st.areaSelected,
    serverOpened: st.serverOpened,
  }));
  const { result, error } = useAssessment();
  const [reportPath, setReportPath] = useState('');
  useEffect(() => setReportPath(joinPath(s.home, `${fileSlug(s.name || 'project')}-assessment.xlsx`)), [s.home, s.name]);

  if (error) return <div className="screen"><ScreenHeader title="Assessment" /><p className="inline-error">{error}</p></div>;
  if (!s.servers) {
    return (
      <div className="screen">
        <ScreenHeader title="Assessment" />
        <EmptyState icon="assessment" title="Nothing to assess yet">Import an inventory (Inventory → Import) and the readiness, right-sized EC2 types and costs appear here.</EmptyState>
      </div>
    );
  }
  if (!result) return <div className="loading">Assessing…</div>;
  if (s.print) return <AssessmentReport result={result} project={s.name} customer={s.customer} onClose={() => s.togglePrint(false)} />;
  const e = result.estate;
  const openServer = (id: string) => {
    s.areaSelected('inventory');
    void s.serverOpened(id);
  };
  return (
    <div className="screen assessment-screen">
      <ScreenHeader
        title="Assessment"
        subtitle="Readiness for EC2, right-sized instance types, monthly cost and a recommended approach per server. Estimates from On-Demand prices bundled with the workbench."
        actions={<button type="button" onClick={() => s.togglePrint(true)}>Printable report (PDF)</button>}
      />
      <div className="totals assessment-totals" aria-label="Totals">
        <div><span className="total-value">{e.servers.toLocaleString('en-US')}</span><span className="total-label">servers assessed</span></div>
        <div><span className="total-value">{result.readiness.ready.toLocaleString('en-US')} / {result.readiness.conditional.toLocaleString('en-US')} / {result.readiness['not-ready'].toLocaleString('en-US')}</span><span className="total-label">ready / with conditions / not ready</span></div>
        <div><span className="total-value" data-testid="estate-monthly">{formatUsd(e.monthlyUsd)}</span><span className="total-label">per month on EC2 ({e.moving.toLocaleString('en-US')} servers moving)</span></div>
        <div><span className="total-value">{formatUsd(e.computeMonthlyUsd)} + {formatUsd(e.storageMonthlyUsd)}</span><span className="total-label">compute + storage{e.unsized ? ` · ${e.unsized} without a fitting type` : ''}</span></div>
      </div>
      <AssumptionsForm value={result.assumptions} onChange={(p) => void s.change(p)} />
      <AssessmentCharts result={result} />
      <FindingsTable result={result} onOpenServer={openServer} />
      <section className="panel report-save" aria-label="Report workbook">
        <h2>Report workbook</h2>
        <p className="muted small">Servers, findings, sizing, volumes and costs as values (no formulas), with the assumptions above.</p>
        <div className="report-save-row">
          <input type="text" value={reportPath} onChange={(ev) => setReportPath(ev.target.value)} aria-label="Workbook path" spellCheck={false} />
          <button type="button" className="primary" disabled={s.busy || !reportPath.trim()} onClick={() => void s.save(reportPath.trim())}>Save workbook</button>
        </div>
        {s.reportError ? <p className="inline-error" role="alert">{s.reportError}</p> : null}
        {s.written ? <p className="small" role="status">Saved {s.written}</p> : null}
      </section>
    </div>
  );
}
