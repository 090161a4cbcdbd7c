import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AssessmentResult } from '../../../main/common/assess/assess';
import { FIX_KIND_LABEL, SEVERITY_LABEL, type FixKind, type Severity } from '../../../main/common/assess/readiness';

const ROW_HEIGHT = 44;

interface Row {
  key: string;
  serverId: string;
  server: string;
  severity: Severity;
  title: string;
  detail: string;
  fix: string;
  fixKind: FixKind;
}

const SEVERITY_ORDER: Record<Severity, number> = { blocker: 0, warning: 1, info: 2 };

/** Every finding of the estate, filterable by severity, kind of fix and text; only the rows in view are in the DOM. */
export function FindingsTable({ result, onOpenServer }: { result: AssessmentResult; onOpenServer(id: string): void }) {
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [fixKind, setFixKind] = useState<FixKind | ''>('');
  const [text, setText] = useState('');
  const all = useMemo(() => {
    const rows: Row[] = [];
    for (const s of result.servers) s.findings.forEach((f, i) => rows.push({ key: `${s.serverId}#${i}`, serverId: s.serverId, server: s.name, severity: f.severity, title: f.title, detail: f.detail, fix: f.fix, fixKind: f.fixKind }));
    return rows.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.title.localeCompare(b.title) || a.server.localeCompare(b.server));
  }, [result]);
  const rows = useMemo(() => {
    const q = text.trim().toLowerCase();
    return all.filter((r) => (!severity || r.severity === severity) && (!fixKind || r.fixKind === fixKind) && (!q || r.server.toLowerCase().includes(q) || r.title.toLowerCase().includes(q)));
  }, [all, severity, fixKind, text]);
  const kinds = useMemo(() => [...new Set(all.map((r) => r.fixKind))].sort((a, b) => FIX_KIND_LABEL[a].localeCompare(FIX_KIND_LABEL[b])), [all]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  return (
    <section className="panel findings" aria-label="Findings">
      <div className="findings-toolbar">
        <h2>Findings <span className="muted small">({rows.length.toLocaleString('en-US')} of {all.length.toLocaleString('en-US')})</span></h2>
        <label className="inline-field">
          <span>Severity</span>
          <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')} aria-label="Filter by severity">
            <option value="">All</option>
            {(Object.keys(SEVERITY_LABEL) as Severity[]).map((k) => <option key={k} value={k}>{SEVERITY_LABEL[k]}</option>)}
          </select>
        </label>
        <label className="inline-field">
          <span>Fix</span>
          <select value={fixKind} onChange={(e) => setFixKind(e.target.value as FixKind | '')} aria-label="Filter by kind of fix">
            <option value="">All</option>
            {kinds.map((k) => <option key={k} value={k}>{FIX_KIND_LABEL[k]}</option>)}
          </select>
        </label>
        <input type="search" placeholder="Server or finding" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search findings" />
      </div>
      {rows.length === 0 ? <p className="muted small findings-empty">{all.length ? 'No finding matches the filters.' : 'No findings: every server is ready as far as the inventory tells.'}</p> : null}
      <div role="table" aria-label="Findings list" aria-rowcount={rows.length + 1}>
        <div role="rowgroup">
          <div className="findings-head" role="row" aria-rowindex={1}>
            <span role="columnheader">Server</span><span role="columnheader">Severity</span><span role="columnheader">Finding</span><span role="columnheader">Fix</span>
          </div>
        </div>
        <div ref={scrollRef} className="findings-scroll" role="rowgroup">
          <div role="presentation" style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((v) => {
              const r = rows[v.index]!;
              return (
                <div key={r.key} role="row" aria-rowindex={v.index + 2} className="findings-row" style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}>
                  <span role="cell"><button type="button" className="link-button" onClick={() => onOpenServer(r.serverId)} title="Open in the inventory">{r.server}</button></span>
                  <span role="cell"><span className={`pill sev-${r.severity}`}>{SEVERITY_LABEL[r.severity]}</span></span>
                  <span role="cell" title={r.detail}><strong>{r.title}</strong><span className="muted small clamp">{r.detail}</span></span>
                  <span role="cell" title={r.fix} className="clamp2">{r.fix}</span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
