import type { Server } from '../../../main/common/model/server';
import { APPROACH_LABEL } from '../../../main/common/assess/approach';
import type { VolumeProposal } from '../../../main/common/assess/storage';
import { READINESS_LABEL, SEVERITY_LABEL } from '../../../main/common/assess/readiness';
import { useAssessment } from './assessment.hooks';
import { formatHourlyUsd, formatUsd } from './assessment.format';
import './assessment.css';

/** One proposed volume in words: type and size, with the IOPS and throughput bought beyond what the type includes. */
function volumeText(v: VolumeProposal): string {
  const extras = [v.iops ? `${v.iops.toLocaleString('en-US')} IOPS` : '', v.throughputMiBps ? `${v.throughputMiBps.toLocaleString('en-US')} MiB/s` : ''].filter(Boolean);
  return `${v.type} ${v.sizeGiB.toLocaleString('en-US')} GiB${extras.length ? ` (+${extras.join(', +')})` : ''}`;
}

const SUPPORT = { supported: 'supported', unsupported: 'not supported', unknown: 'not confirmed' } as const;

/** The catalog detail panel's assessment section: readiness and findings, approach, proposed type and cost. */
export function ServerAssessmentPanel({ server }: { server: Server }) {
  const { byId, error } = useAssessment();
  if (error) return <section aria-label="Assessment"><h3>Assessment</h3><p className="inline-error">{error}</p></section>;
  const a = byId?.get(server.id);
  if (!a) return <section aria-label="Assessment"><h3>Assessment</h3><p className="muted small">Assessing…</p></section>;
  return (
    <section aria-label="Assessment" className="server-assessment">
      <h3>Assessment</h3>
      <p>
        <span className={`pill ready-${a.readiness}`}>{READINESS_LABEL[a.readiness]}</span> <strong>{APPROACH_LABEL[a.approach]}</strong>
      </p>
      <ul className="plain-list small">{a.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
      <dl className="kv">
        <dt>OS support</dt>
        <dd>{a.os.label}: VM Import/Export {SUPPORT[a.os.vmImport]}, MGN {SUPPORT[a.os.mgn]}</dd>
        <dt>Sized from</dt>
        <dd>{a.need.basis}: {a.need.vcpu} vCPU, {Math.round(a.need.memGiB * 10) / 10} GiB</dd>
        <dt>Proposed type</dt>
        <dd>{a.instance ? `${a.instance.type} (${a.instance.vcpu} vCPU, ${a.instance.memoryGiB} GiB, ${formatHourlyUsd(a.instance.hourlyUsd)})` : <span className="field-error">{a.sizingIssue}</span>}</dd>
        <dt>Storage</dt>
        <dd>{a.storage.volumes.map(volumeText).join(', ') || '—'}{a.storage.reason ? <span className="muted small"> · {a.storage.reason}</span> : null}</dd>
        <dt>Monthly</dt>
        <dd>{a.counted ? `${formatUsd(a.monthlyUsd)} (compute ${formatUsd(a.computeMonthlyUsd)}, storage ${formatUsd(a.storage.monthlyUsd)})` : 'Not costed (not moving to EC2)'}</dd>
      </dl>
      {a.findings.length ? (
        <ul className="finding-list" aria-label="Findings for this server">
          {a.findings.map((f, i) => (
            <li key={i}>
              <span className={`pill sev-${f.severity}`}>{SEVERITY_LABEL[f.severity]}</span> <strong>{f.title}</strong>
              <div className="muted small">{f.detail}</div>
              <div className="small">Fix: {f.fix}</div>
            </li>
          ))}
        </ul>
      ) : <p className="muted small">No findings.</p>}
    </section>
  );
}
