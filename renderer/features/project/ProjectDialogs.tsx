import { useCallback, useState } from 'react';
import { useWorkbench, useWorkbenchShallow } from '../../store';
import { Dialog, DialogActions } from '../../ui/Dialog';
import { FileBrowser } from './FileBrowser';
import { formatTime } from '../../ui/format';

const PROJECT_SUFFIXES = ['.mwb.json', '.json'];

function OpenDialog() {
  const { recent, recoveries, appInfo, openRequested, recoveryRequested, dialogClosed } = useWorkbenchShallow((s) => ({ recent: s.recent, recoveries: s.recoveries, appInfo: s.appInfo, openRequested: s.openRequested, recoveryRequested: s.recoveryRequested, dialogClosed: s.dialogClosed }));
  const [path, setPath] = useState('');
  const open = async (p: string) => {
    if (await openRequested(p)) dialogClosed();
  };
  return (
    <Dialog
      title="Open project"
      onClose={dialogClosed}
      width={680}
      footer={
        <DialogActions onCancel={dialogClosed} label="Open" disabled={!path.trim()} onConfirm={() => void open(path.trim())} />
      }
    >
      <label className="field">
        <span>Project file path</span>
        <input data-autofocus value={path} onChange={(e) => setPath(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && path.trim() && void open(path.trim())} placeholder="/path/to/project.mwb.json" spellCheck={false} aria-label="Project file path" />
      </label>
      {recoveries.length > 0 ? (
        <section className="recent">
          <h3>Recovered unsaved work</h3>
          <ul>
            {recoveries.map((r) => (
              <li key={r.id}>
                <button type="button" className="recent-row" onClick={() => void recoveryRequested(r.id).then((ok) => ok && dialogClosed())}>
                  <strong>{r.name}</strong>
                  <span className="muted">{r.servers} servers · autosaved, never saved to a file</span>
                  <span className="muted">{formatTime(r.savedAt)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {recent.length > 0 ? (
        <section className="recent">
          <h3>Recent projects</h3>
          <ul>
            {recent.map((r) => (
              <li key={r.path}>
                <button type="button" className="recent-row" onClick={() => void open(r.path)} title={r.path}>
                  <strong>{r.name}</strong>
                  <span className="mono muted">{r.path}</span>
                  <span className="muted">{formatTime(r.openedAt)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h3>Browse</h3>
      <FileBrowser startDir={recent[0] ? recent[0].path.replace(/[\\/][^\\/]*$/, '') || '/' : (appInfo?.homeDir ?? '/')} suffixes={PROJECT_SUFFIXES} onPickFile={(e) => setPath(e.path)} />
    </Dialog>
  );
}

function SaveAsDialog() {
  const { meta, appInfo, saveAsRequested, dialogClosed, dialogOpened } = useWorkbenchShallow((s) => ({ meta: s.meta, appInfo: s.appInfo, saveAsRequested: s.saveAsRequested, dialogClosed: s.dialogClosed, dialogOpened: s.dialogOpened }));
  const initialDir = meta?.path ? meta.path.replace(/[\\/][^\\/]*$/, '') : (appInfo?.homeDir ?? '/');
  const [dir, setDir] = useState(initialDir);
  const [name, setName] = useState(() => (meta?.path ? meta.path.replace(/^.*[\\/]/, '') : `${(meta?.name ?? 'project').replace(/[^\w.-]+/g, '-').toLowerCase()}.mwb.json`));
  const onDirChange = useCallback((d: string) => setDir(d), []);
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  const target = /^([A-Za-z]:)?[\\/]/.test(name) ? name : `${dir.replace(/[\\/]$/, '')}${sep}${name}`;
  const save = async () => {
    const ok = await saveAsRequested(target);
    if (ok) dialogClosed();
  };
  void dialogOpened;
  return (
    <Dialog
      title="Save project as"
      onClose={dialogClosed}
      width={680}
      footer={
        <DialogActions onCancel={dialogClosed} label="Save" disabled={!name.trim()} onConfirm={() => void save()} />
      }
    >
      <label className="field">
        <span>File name</span>
        <input data-autofocus value={name} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void save()} spellCheck={false} aria-label="File name" />
      </label>
      <p className="muted mono small">Saves to {target}</p>
      <FileBrowser startDir={initialDir} fixedStart={!!meta?.path} suffixes={PROJECT_SUFFIXES} onDirChange={onDirChange} onPickFile={(e) => setName(e.name)} />
    </Dialog>
  );
}

function ConflictDialog({ path, message }: { path: string; message: string }) {
  const { meta, saveRequested, saveAsRequested, dialogClosed, dialogOpened } = useWorkbenchShallow((s) => ({ meta: s.meta, saveRequested: s.saveRequested, saveAsRequested: s.saveAsRequested, dialogClosed: s.dialogClosed, dialogOpened: s.dialogOpened }));
  const overwrite = async () => {
    dialogClosed();
    if (meta?.path === path) await saveRequested(true);
    else await saveAsRequested(path, true);
  };
  return (
    <Dialog
      title="File changed on disk"
      onClose={dialogClosed}
      footer={
        <>
          <button type="button" onClick={dialogClosed}>
            Cancel
          </button>
          <button type="button" onClick={() => dialogOpened({ kind: 'save-as' })}>
            Save As…
          </button>
          <button type="button" className="danger" onClick={() => void overwrite()}>
            Overwrite
          </button>
        </>
      }
    >
      <p>{message}</p>
      <p className="muted mono small">{path}</p>
    </Dialog>
  );
}

function PropertiesDialog() {
  const { document, editRequested, dialogClosed } = useWorkbenchShallow((s) => ({ document: s.document, editRequested: s.editRequested, dialogClosed: s.dialogClosed }));
  const [name, setName] = useState(document?.name ?? '');
  const [customer, setCustomer] = useState(document?.customer ?? '');
  const [notes, setNotes] = useState(document?.notes ?? '');
  const apply = async () => {
    if (await editRequested({ type: 'project.setMeta', name: name.trim() || 'Untitled project', customer, notes })) dialogClosed();
  };
  return (
    <Dialog
      title="Project properties"
      onClose={dialogClosed}
      footer={
        <DialogActions onCancel={dialogClosed} label="Apply" onConfirm={() => void apply()} />
      }
    >
      <label className="field">
        <span>Project name</span>
        <input data-autofocus value={name} onChange={(e) => setName(e.target.value)} aria-label="Project name" />
      </label>
      <label className="field">
        <span>Customer</span>
        <input value={customer} onChange={(e) => setCustomer(e.target.value)} aria-label="Customer" />
      </label>
      <label className="field">
        <span>Notes</span>
        <textarea rows={5} value={notes} onChange={(e) => setNotes(e.target.value)} aria-label="Notes" />
      </label>
    </Dialog>
  );
}

const UNSAVED_ACTIONS = { new: 'create a new project', demo: 'open the demo estate', open: 'open another project' } as const;

/** Before New, Demo or Open replace a project with unsaved changes: save them, discard them, or stay. */
function UnsavedDialog({ then }: { then: 'new' | 'demo' | 'open' }) {
  const { meta, saveRequested, dialogClosed, newProjectRequested, demoRequested, openDialogRequested } = useWorkbenchShallow((s) => ({ meta: s.meta, saveRequested: s.saveRequested, dialogClosed: s.dialogClosed, newProjectRequested: s.newProjectRequested, demoRequested: s.demoRequested, openDialogRequested: s.openDialogRequested }));
  const proceed = async () => {
    dialogClosed();
    if (then === 'new') await newProjectRequested(true);
    else if (then === 'demo') await demoRequested(true);
    else await openDialogRequested(true);
  };
  const saveFirst = async () => {
    // Without a file yet, Save asks where (the Save As dialog replaces this one); the user then repeats the action.
    if (!meta?.path) return void (await saveRequested());
    if (await saveRequested()) await proceed();
  };
  return (
    <Dialog
      title="Unsaved changes"
      onClose={dialogClosed}
      width={480}
      footer={
        <>
          <button type="button" onClick={dialogClosed}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={() => void proceed()}>
            Discard changes
          </button>
          <button type="button" className="primary" data-autofocus onClick={() => void saveFirst()}>
            {meta?.path ? 'Save' : 'Save As…'}
          </button>
        </>
      }
    >
      <p>
        <strong>{meta?.name ?? 'This project'}</strong> has changes that are not saved. Save them before you {UNSAVED_ACTIONS[then]}?
      </p>
    </Dialog>
  );
}

export function ProjectDialogs() {
  const dialog = useWorkbench((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'open':
      return <OpenDialog />;
    case 'save-as':
      return <SaveAsDialog />;
    case 'conflict':
      return <ConflictDialog path={dialog.path} message={dialog.message} />;
    case 'properties':
      return <PropertiesDialog />;
    case 'unsaved':
      return <UnsavedDialog then={dialog.then} />;
  }
}
