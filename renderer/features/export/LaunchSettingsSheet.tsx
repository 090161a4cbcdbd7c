import { useState } from 'react';
import { useWorkbenchShallow } from '../../store';
import { Dialog, DialogActions } from '../../ui/Dialog';

function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

const SHOWN_CHANGES = 500;

/** Launch settings out to a spreadsheet and back: export, edit in Excel, read with a diff, apply as one undoable edit. */
export function LaunchSettingsSheet({ applicationId, applicationName }: { applicationId: string; applicationName: string }) {
  const s = useWorkbenchShallow((st) => ({
    home: st.appInfo?.homeDir ?? '/',
    busy: st.exportBusy,
    sheet: st.sheetImport,
    save: st.launchSettingsSheetSaveRequested,
    read: st.launchSettingsSheetReadRequested,
    apply: st.launchSettingsSheetApplied,
    discard: st.launchSettingsSheetDiscarded,
  }));
  const [file, setFile] = useState(() => joinPath(s.home, 'launch-settings.xlsx'));
  const [scope, setScope] = useState<'app' | 'all'>('app');
  const format = file.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
  const sheet = s.sheet;
  return (
    <section className="sheet-section" aria-label="Launch settings spreadsheet">
      <h3>Launch settings spreadsheet</h3>
      <p className="muted small">Export to CSV or Excel, edit there, read it back: the changes are shown before anything is applied, and applying them is one step Undo takes back.</p>
      <div className="path-row">
        <input aria-label="Spreadsheet file" value={file} onChange={(e) => setFile(e.target.value)} />
      </div>
      <label className="check">
        <input type="checkbox" checked={scope === 'all'} onChange={(e) => setScope(e.target.checked ? 'all' : 'app')} /> All planned servers, not only those of {applicationName}
      </label>
      <div className="button-row">
        <button type="button" disabled={s.busy !== null || !file.trim()} onClick={() => void s.save(file.trim(), format, scope === 'app' ? applicationId : undefined)}>
          Export {format === 'csv' ? 'CSV' : 'xlsx'}
        </button>
        <button type="button" disabled={s.busy !== null || !file.trim()} onClick={() => void s.read(file.trim())}>
          Read edited sheet…
        </button>
      </div>
      {sheet ? (
        <Dialog
          title="Changes from the spreadsheet"
          width={820}
          onClose={s.discard}
          footer={<DialogActions onCancel={s.discard} disabled={!sheet.entries.length} onConfirm={() => void s.apply()} label={sheet.entries.length ? `Apply ${sheet.changes.length} change${sheet.changes.length === 1 ? '' : 's'} to ${sheet.entries.length} server${sheet.entries.length === 1 ? '' : 's'}` : 'Nothing to apply'} />}
        >
          <p className="muted small mono">{sheet.file}</p>
          <p>
            {sheet.rows} row{sheet.rows === 1 ? '' : 's'} matched: {sheet.entries.length} server{sheet.entries.length === 1 ? '' : 's'} with changes, {sheet.unchanged} unchanged.
          </p>
          {sheet.problems.length ? (
            <ul className="sheet-problems" aria-label="Rows and cells not applied">
              {sheet.problems.slice(0, 50).map((p, i) => (
                <li key={i} className="issue issue-warning">
                  Row {p.row}
                  {p.column ? `, ${p.column}` : ''}: {p.message}
                </li>
              ))}
              {sheet.problems.length > 50 ? <li className="muted">and {sheet.problems.length - 50} more</li> : null}
            </ul>
          ) : null}
          {sheet.changes.length ? (
            <div className="sheet-diff">
              <table aria-label="Changes">
                <thead>
                  <tr>
                    <th scope="col">Server</th>
                    <th scope="col">Setting</th>
                    <th scope="col">Now</th>
                    <th scope="col">From the sheet</th>
                  </tr>
                </thead>
                <tbody>
                  {sheet.changes.slice(0, SHOWN_CHANGES).map((c, i) => (
                    <tr key={i}>
                      <td>{c.serverName}</td>
                      <td>{c.field}</td>
                      <td className="mono before">{c.before || <span className="muted">(empty)</span>}</td>
                      <td className="mono after">{c.after || <span className="muted">(cleared)</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {sheet.changes.length > SHOWN_CHANGES ? <p className="muted small">and {sheet.changes.length - SHOWN_CHANGES} more changes.</p> : null}
            </div>
          ) : (
            <p className="muted">The sheet holds the same launch settings as the project.</p>
          )}
        </Dialog>
      ) : null}
    </section>
  );
}
