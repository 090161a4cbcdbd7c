import { useState, type DragEvent } from 'react';
import { IMPORTER_LABELS } from '../../../main/common/model/inventory-import';
import { useWorkbenchShallow } from '../../store';
import { Dialog } from '../../ui/Dialog';
import { formatCount } from '../../ui/format';
import { FileBrowser } from '../project/FileBrowser';
import { useDroppedFiles } from './inventory.hooks';

const SUFFIXES = ['.xlsx', '.xlsm', '.csv', '.zip', '.json'];
const FORMATS = 'RVTools (.xlsx, per-tab .csv or a .zip of them), AWS Migration Hub import CSV, Azure Migrate CSV, Cloud Migration Factory intake CSV, AWS SMS GetServers JSON, Azure Migrate dependency export (agentless, .csv or .xlsx)';

function ChooseStep({ onImport }: { onImport(paths: string[], removeGone: boolean): void }) {
  const { appInfo, importFilesPicked } = useWorkbenchShallow((s) => ({ appInfo: s.appInfo, importFilesPicked: s.importFilesPicked }));
  const [browseOpen, setBrowseOpen] = useState(false);
  const browse = async () => {
    const picked = await importFilesPicked();
    if (picked === null) setBrowseOpen(true);
    else add(picked);
  };
  const [paths, setPaths] = useState<string[]>([]);
  const [typed, setTyped] = useState('');
  const [removeGone, setRemoveGone] = useState(false);
  const [over, setOver] = useState(false);
  const dropped = useDroppedFiles();
  const add = (ps: string[]) => setPaths((cur) => [...new Set([...cur, ...ps])]);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void dropped.upload(Array.from(e.dataTransfer.files)).then(add);
  };
  return (
    <>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
      >
        <strong>Drop inventory files here</strong>
        <span className="muted small">{FORMATS}</span>
        <label className="file-input-label">
          <input
            type="file"
            multiple
            accept={SUFFIXES.join(',')}
            aria-label="Choose files from this computer"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              void dropped.upload(files).then(add);
            }}
          />
          <span>Choose files…</span>
        </label>
        {dropped.uploading ? <span className="muted small" aria-live="polite">Uploading {dropped.uploading}…</span> : null}
        {dropped.error ? <span className="inline-error">{dropped.error}</span> : null}
      </div>
      <label className="field">
        <span>Or type a path on the workbench machine</span>
        <div className="row-input">
          <input value={typed} onChange={(e) => setTyped(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && typed.trim() && (add([typed.trim()]), setTyped(''))} placeholder="/path/to/RVTools_export.xlsx" spellCheck={false} aria-label="File path" />
          <button type="button" disabled={!typed.trim()} onClick={() => (add([typed.trim()]), setTyped(''))}>
            Add
          </button>
        </div>
      </label>
      <details className="browse" open={browseOpen} onToggle={(e) => setBrowseOpen((e.target as HTMLDetailsElement).open)}>
        <summary
          onClick={(e) => {
            e.preventDefault();
            if (browseOpen) setBrowseOpen(false);
            else void browse();
          }}
        >
          Browse the workbench machine…
        </summary>
        <FileBrowser startDir={appInfo?.sampleDir ?? appInfo?.homeDir ?? '/'} suffixes={SUFFIXES} onPickFile={(e) => add([e.path])} />
      </details>
      <h3>Files to import</h3>
      {paths.length ? (
        <ul className="chosen-files" aria-label="Files to import">
          {paths.map((p) => (
            <li key={p}>
              <span className="chosen-name mono" title={p}>
                {p.replace(/^.*[\\/]/, '')} <span className="chosen-dir">{p.includes('mwb-uploads-') ? '(uploaded)' : p.replace(/[\\/][^\\/]*$/, '')}</span>
              </span>
              <button type="button" className="link-button" onClick={() => setPaths(paths.filter((x) => x !== p))} aria-label={`Remove ${p}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No file chosen yet.</p>
      )}
      <label className="check">
        <input type="checkbox" checked={removeGone} onChange={(e) => setRemoveGone(e.target.checked)} />
        <span>Remove servers of the same source that the new export no longer lists</span>
      </label>
      <div className="wizard-actions">
        <button type="button" className="primary" disabled={paths.length === 0 || !!dropped.uploading} onClick={() => onImport(paths, removeGone)}>
          Import {paths.length > 1 ? `${paths.length} files` : ''}
        </button>
      </div>
    </>
  );
}

function Report() {
  const { importState, importReset, importDialogToggled } = useWorkbenchShallow((s) => ({ importState: s.importState, importReset: s.importReset, importDialogToggled: s.importDialogToggled }));
  if (importState.phase !== 'done') return null;
  const r = importState.report;
  return (
    <div className="import-report" data-testid="import-report">
      {r.servers === 0 && r.connections > 0 ? (
        // A dependency export alone: server cards would all read 0.
        <div className="report-cards">
          <div><span className="total-value">{formatCount(r.connections)}</span><span className="total-label">Dependencies read</span></div>
          <div><span className="total-value">{formatCount(r.connectionsAdded)}</span><span className="total-label">New dependencies</span></div>
          <div><span className="total-value">{formatCount(r.connections - r.connectionsAdded)}</span><span className="total-label">Already known</span></div>
          <div><span className="total-value">{formatCount(r.skippedTotal)}</span><span className="total-label">Rows skipped</span></div>
        </div>
      ) : (
        <div className="report-cards">
          <div><span className="total-value">{formatCount(r.servers)}</span><span className="total-label">Servers read</span></div>
          <div><span className="total-value">{formatCount(r.added)}</span><span className="total-label">Added</span></div>
          <div><span className="total-value">{formatCount(r.updated)}</span><span className="total-label">Updated</span></div>
          <div><span className="total-value">{formatCount(r.unchanged)}</span><span className="total-label">Unchanged</span></div>
          <div><span className="total-value">{formatCount(r.gone.length)}</span><span className="total-label">{r.removed ? 'Removed' : 'No longer in export'}</span></div>
          <div><span className="total-value">{formatCount(r.skippedTotal)}</span><span className="total-label">Rows or values skipped</span></div>
          {r.connections ? <div><span className="total-value">{formatCount(r.connections)}</span><span className="total-label">Dependencies ({formatCount(r.connectionsAdded)} new)</span></div> : null}
        </div>
      )}
      <ul className="plain-list small">
        {r.files.map((f) => (
          <li key={f.path}>
            <span className="mono">{f.path.replace(/^.*[\\/]/, '')}</span> <span className="muted">read as {IMPORTER_LABELS[f.kind]}</span>
          </li>
        ))}
      </ul>
      {r.warnings.length ? (
        <section>
          <h3>Warnings</h3>
          <ul className="warnings">{r.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </section>
      ) : null}
      {r.gone.length ? (
        <section>
          <h3>{r.removed ? 'Removed' : 'No longer in the export (kept)'}</h3>
          <p className="small">{r.gone.slice(0, 30).map((g) => g.name).join(', ')}{r.gone.length > 30 ? ` and ${r.gone.length - 30} more` : ''}</p>
        </section>
      ) : null}
      {r.skipped.length ? (
        <section>
          <h3>Skipped rows and values</h3>
          <div className="skipped-wrap">
            <table className="mini-table" aria-label="Skipped rows">
              <thead><tr><th>File</th><th>Sheet</th><th className="num">Row</th><th>Column</th><th>Value</th><th>Reason</th></tr></thead>
              <tbody>
                {r.skipped.map((s, i) => (
                  <tr key={i}><td>{s.file}</td><td>{s.sheet ?? '—'}</td><td className="num">{s.row}</td><td>{s.column ?? '—'}</td><td className="mono">{s.value ?? '—'}</td><td>{s.reason}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
          {r.skippedTotal > r.skipped.length ? <p className="muted small">Showing {r.skipped.length} of {r.skippedTotal}; `mwb import --json` lists them all.</p> : null}
        </section>
      ) : null}
      <div className="wizard-actions">
        <button type="button" onClick={importReset}>Import more</button>
        <button type="button" className="primary" onClick={() => importDialogToggled(false)}>View catalog</button>
      </div>
    </div>
  );
}

/** File → Import: choose files, watch progress, read the report. */
export function ImportDialog() {
  const { importState, importRequested, importCancelled, importReset, importDialogToggled } = useWorkbenchShallow((s) => ({
    importState: s.importState,
    importRequested: s.importRequested,
    importCancelled: s.importCancelled,
    importReset: s.importReset,
    importDialogToggled: s.importDialogToggled,
  }));
  const close = () => importDialogToggled(false);
  return (
    <Dialog title="Import inventory" onClose={close} width={820}>
      <ol className="steps" aria-label="Steps">
        <li className={importState.phase === 'idle' || importState.phase === 'failed' ? 'current' : 'done'}>Choose files</li>
        <li className={importState.phase === 'running' ? 'current' : importState.phase === 'done' ? 'done' : ''}>Import</li>
        <li className={importState.phase === 'done' ? 'current' : ''}>Report</li>
      </ol>
      {importState.phase === 'failed' ? (
        <div className="import-error" role="alert">
          <strong>The import failed; nothing in the project was changed.</strong>
          <p>{importState.message}</p>
          <p className="muted small mono">{importState.code}</p>
          <button type="button" onClick={importReset}>Choose other files</button>
        </div>
      ) : null}
      {importState.phase === 'idle' ? <ChooseStep onImport={(paths, removeGone) => void importRequested(paths, { removeGone })} /> : null}
      {importState.phase === 'running' ? (
        <div className="import-progress">
          <p aria-live="polite">{importState.message}…</p>
          <progress max={importState.total ?? undefined} value={importState.total ? importState.done : undefined} aria-label="Import progress" />
          <p className="muted small">{importState.done ? `${formatCount(importState.done)} rows${importState.total ? ` of ${formatCount(importState.total)}` : ''}` : ''}</p>
          <button type="button" onClick={() => void importCancelled()}>Cancel</button>
        </div>
      ) : null}
      {importState.phase === 'done' ? <Report /> : null}
    </Dialog>
  );
}
