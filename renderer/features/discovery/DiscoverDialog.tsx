import { useState } from 'react';
import { useWorkbenchShallow } from '../../store';
import { Dialog } from '../../ui/Dialog';
import { formatCount, formatTime } from '../../ui/format';
import { DISCOVERY_SOURCES, formProblem, initialValues, sourceKind, visibleFields, type SourceField, type SourceKind, type SourceValues, type TrustItem } from './discovery-sources';
import type { SavedConnections } from './discovery.slice';
import './discovery.css';

type Saved = SavedConnections['sources'][number];

function Field({ f, value, onChange, secretSaved }: { f: SourceField; value: string; onChange(v: string): void; secretSaved: boolean }) {
  const id = `disc-${f.key}`;
  const help = f.help ? <p className="muted small field-help" id={`${id}-help`}>{f.help}</p> : null;
  const common = { id, 'aria-describedby': f.help ? `${id}-help` : undefined, spellCheck: false };
  if (f.type === 'checkbox') {
    return (
      <label className="check">
        <input type="checkbox" checked={value === '1'} onChange={(e) => onChange(e.target.checked ? '1' : '')} {...common} />
        <span>{f.label}</span>
      </label>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{f.label}</label>
      {f.type === 'lines' ? (
        <textarea rows={3} value={value} placeholder={f.placeholder} onChange={(e) => onChange(e.target.value)} {...common} />
      ) : f.type === 'select' ? (
        <select value={value} onChange={(e) => onChange(e.target.value)} {...common}>
          {f.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          type={f.type === 'password' ? 'password' : f.type === 'number' ? 'number' : 'text'}
          value={value}
          min={f.min}
          max={f.max}
          autoComplete={f.type === 'password' ? 'new-password' : 'off'}
          placeholder={f.secret && secretSaved ? 'Saved — leave empty to use it' : f.placeholder}
          onChange={(e) => onChange(e.target.value)}
          {...common}
        />
      )}
      {help}
    </div>
  );
}

function SavedList({ sources, persistent, active, onUse, onForget }: { sources: Saved[]; persistent: boolean; active: string | undefined; onUse(s: Saved): void; onForget(s: Saved): void }) {
  return (
    <section className="saved-connections" aria-label="Saved connections">
      <h3>Saved connections</h3>
      {sources.length ? (
        <ul className="plain-list">
          {sources.map((s) => {
            const k = sourceKind(s.kind);
            return (
              <li key={s.id} className={s.id === active ? 'active' : ''}>
                <div className="saved-text">
                  <strong>{k?.label ?? s.kind}</strong>
                  <span className="saved-desc" title={s.url}>{k ? k.describe(s) : s.url}</span>
                  <span className="muted small">
                    {s.lastRunAt ? `${formatCount(s.lastServers ?? 0)} server${s.lastServers === 1 ? '' : 's'}, ${formatTime(s.lastRunAt)}` : 'Not run yet'}
                    {s.secretSaved ? ` · password saved${persistent ? '' : ' for this session'}` : ''}
                  </span>
                </div>
                <div className="saved-actions">
                  <button type="button" onClick={() => onUse(s)} aria-label={`Use ${k?.label ?? s.kind} ${k ? k.describe(s) : s.url}`}>
                    Use
                  </button>
                  {s.secretSaved ? (
                    <button type="button" className="link-button" onClick={() => onForget(s)} aria-label={`Forget password of ${k ? k.describe(s) : s.url}`}>
                      Forget password
                    </button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted small">None yet. A discovery that runs is kept here (address and user, never a password) to run again.</p>
      )}
    </section>
  );
}

function ChooseStep() {
  const { connections, run, discoverRequested, discoverSecretForgotten } = useWorkbenchShallow((s) => ({
    connections: s.discoverConnections,
    run: s.discoverRun,
    discoverRequested: s.discoverRequested,
    discoverSecretForgotten: s.discoverSecretForgotten,
  }));
  const [kind, setKind] = useState<SourceKind>(() => sourceKind(run?.kind ?? '') ?? DISCOVERY_SOURCES[0]!);
  const [values, setValues] = useState<SourceValues>(() => run?.values ?? initialValues(kind));
  const [sourceId, setSourceId] = useState<string | undefined>(run?.sourceId);
  const [trust, setTrust] = useState<TrustItem[]>(run?.trust ?? []);
  const [remember, setRemember] = useState(run?.remember ?? false);
  const [removeGone, setRemoveGone] = useState(run?.removeGone ?? false);
  const saved = connections?.sources.find((s) => s.id === sourceId);
  const secretSaved = !!saved?.secretSaved;
  const problem = formProblem(kind, values, secretSaved);
  const hasSecret = kind.fields.some((f) => f.secret);
  const pick = (k: SourceKind) => {
    setKind(k);
    setValues(initialValues(k));
    setSourceId(undefined);
    setTrust([]);
  };
  const use = (s: Saved) => {
    const k = sourceKind(s.kind);
    if (!k) return;
    setKind(k);
    setValues({ ...initialValues(k), ...k.fromSource(s) });
    setSourceId(s.id);
    setTrust(k.trustOf?.(s) ?? []);
    setRemember(s.secretSaved);
  };
  const edit = (key: string, v: string) => {
    setValues((cur) => ({ ...cur, [key]: v }));
  };
  return (
    <form
      className="discover-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) void discoverRequested({ kind: kind.kind, values, remember, removeGone, trust, ...(sourceId ? { sourceId } : {}) });
      }}
    >
      <div className="discover-columns">
        <div className="discover-main">
          <fieldset className="radio-group">
            <legend>Source</legend>
            {DISCOVERY_SOURCES.map((k) => (
              <label key={k.kind} className="radio">
                <input type="radio" name="discover-kind" checked={k.kind === kind.kind} onChange={() => pick(k)} aria-labelledby={`kind-${k.kind}`} aria-describedby={`kind-${k.kind}-desc`} />
                <span>
                  <strong id={`kind-${k.kind}`}>{k.label}</strong>{' '}
                  <span className="muted small" id={`kind-${k.kind}-desc`}>
                    {k.description}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <div className="discover-fields">
            {visibleFields(kind, values).map((f) => (
              <Field key={f.key} f={f} value={values[f.key] ?? ''} onChange={(v) => edit(f.key, v)} secretSaved={secretSaved} />
            ))}
          </div>
          {hasSecret ? (
            <label className="check">
              <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
              <span>Remember password {connections?.persistent ? '(encrypted with this computer’s keychain)' : '(for this session only: the browser shell keeps no password on disk)'}</span>
            </label>
          ) : null}
          <label className="check">
            <input type="checkbox" checked={removeGone} onChange={(e) => setRemoveGone(e.target.checked)} />
            <span>Remove servers of this source that it no longer lists</span>
          </label>
        </div>
        <SavedList sources={connections?.sources ?? []} persistent={!!connections?.persistent} active={sourceId} onUse={use} onForget={(s) => void discoverSecretForgotten(s.id)} />
      </div>
      <div className="wizard-actions">
        {problem ? <span className="muted small discover-problem">{problem}</span> : null}
        <button type="submit" className="primary" disabled={!!problem}>
          Run discovery
        </button>
      </div>
    </form>
  );
}

function Report() {
  const { st, canUndo, discoverUndoRequested, discoverReset, discoverDialogToggled } = useWorkbenchShallow((s) => ({
    st: s.discoverState,
    canUndo: !!s.meta?.canUndo,
    discoverUndoRequested: s.discoverUndoRequested,
    discoverReset: s.discoverReset,
    discoverDialogToggled: s.discoverDialogToggled,
  }));
  if (st.phase !== 'done') return null;
  const r = st.report;
  const k = sourceKind(r.source.kind);
  return (
    <div className="import-report" data-testid="discover-report">
      <p>
        <strong>{k?.label ?? r.source.kind}</strong> · {r.source.name}
      </p>
      <div className="report-cards">
        <div><span className="total-value">{formatCount(r.servers)}</span><span className="total-label">Servers found</span></div>
        <div><span className="total-value">{formatCount(r.added)}</span><span className="total-label">Added</span></div>
        <div><span className="total-value">{formatCount(r.updated)}</span><span className="total-label">Updated</span></div>
        <div><span className="total-value">{formatCount(r.unchanged)}</span><span className="total-label">Unchanged</span></div>
        <div><span className="total-value">{formatCount(r.gone.length)}</span><span className="total-label">{r.removed ? 'Removed' : 'No longer found'}</span></div>
        <div><span className="total-value">{formatCount(r.connections)}</span><span className="total-label">Dependencies ({formatCount(r.connectionsAdded)} new)</span></div>
      </div>
      {r.warnings.length ? (
        <section>
          <h3>Warnings</h3>
          <ul className="warnings">{r.warnings.slice(0, 50).map((w, i) => <li key={i}>{w}</li>)}</ul>
          {r.warnings.length > 50 ? <p className="muted small">and {r.warnings.length - 50} more</p> : null}
        </section>
      ) : null}
      {r.gone.length ? (
        <section>
          <h3>{r.removed ? 'Removed' : 'No longer found (kept)'}</h3>
          <p className="small">{r.gone.slice(0, 30).map((g) => g.name).join(', ')}{r.gone.length > 30 ? ` and ${r.gone.length - 30} more` : ''}</p>
        </section>
      ) : null}
      {st.undone ? <p role="status">The discovery was undone; the project is as it was before.</p> : null}
      <div className="wizard-actions">
        <button type="button" onClick={() => void discoverUndoRequested()} disabled={st.undone || !canUndo}>
          Undo this discovery
        </button>
        <button type="button" onClick={discoverReset}>Discover more</button>
        <button type="button" className="primary" onClick={() => discoverDialogToggled(false)}>View catalog</button>
      </div>
    </div>
  );
}

function TrustStep() {
  const { st, discoverTrustAccepted, discoverReset } = useWorkbenchShallow((s) => ({ st: s.discoverState, discoverTrustAccepted: s.discoverTrustAccepted, discoverReset: s.discoverReset }));
  if (st.phase !== 'trust') return null;
  const p = st.prompt;
  return (
    <div className="trust-prompt" role="alertdialog" aria-labelledby="trust-title" aria-describedby="trust-intro">
      <h3 id="trust-title">{p.title}</h3>
      <p id="trust-intro">{p.intro}</p>
      {p.rows.map((row) => (
        <div key={row.name} className="trust-row" data-testid="trust-row">
          <strong>{row.name}</strong>
          <dl className="kv">
            {row.facts.map((f) => (
              <div key={f.label} className="kv-pair">
                <dt>{f.label}</dt>
                <dd className={f.mono ? 'mono' : undefined}>{f.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
      <p className="muted small">Nothing was read and the project is unchanged.</p>
      <div className="wizard-actions">
        <button type="button" onClick={discoverReset}>Back</button>
        <button type="button" className="primary" data-autofocus onClick={() => void discoverTrustAccepted()}>
          {p.accept}
        </button>
      </div>
    </div>
  );
}

/** Inventory → Discover: choose a source (or a saved connection), run it with progress and Cancel, trust, report, Undo. */
export function DiscoverDialog() {
  const { st, discoverCancelled, discoverReset, discoverDialogToggled } = useWorkbenchShallow((s) => ({
    st: s.discoverState,
    discoverCancelled: s.discoverCancelled,
    discoverReset: s.discoverReset,
    discoverDialogToggled: s.discoverDialogToggled,
  }));
  return (
    <Dialog title="Discover servers" onClose={() => discoverDialogToggled(false)} width={900}>
      <ol className="steps" aria-label="Steps">
        <li className={st.phase === 'idle' || st.phase === 'failed' ? 'current' : 'done'}>Choose a source</li>
        <li className={st.phase === 'running' || st.phase === 'trust' ? 'current' : st.phase === 'done' ? 'done' : ''}>Discover</li>
        <li className={st.phase === 'done' ? 'current' : ''}>Report</li>
      </ol>
      {st.phase === 'failed' ? (
        <div className="import-error" role="alert">
          <strong>The discovery failed; nothing in the project was changed.</strong>
          <p>{st.message}</p>
          <button type="button" onClick={discoverReset}>Back to the form</button>
        </div>
      ) : null}
      {st.phase === 'idle' ? <ChooseStep /> : null}
      {st.phase === 'running' ? (
        <div className="import-progress">
          <p aria-live="polite">{st.message}…</p>
          <progress max={st.total ?? undefined} value={st.total ? st.done : undefined} aria-label="Discovery progress" />
          <p className="muted small">{st.total ? `${formatCount(st.done)} of ${formatCount(st.total)}` : ''}</p>
          <button type="button" onClick={() => void discoverCancelled()}>Cancel</button>
        </div>
      ) : null}
      {st.phase === 'trust' ? <TrustStep /> : null}
      {st.phase === 'done' ? <Report /> : null}
    </Dialog>
  );
}
