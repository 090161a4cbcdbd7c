import { useWorkbenchShallow } from '../store';
import { formatCount, formatTime } from '../ui/format';

export function StatusBar() {
  const { meta, document, appInfo, busy } = useWorkbenchShallow((s) => ({ meta: s.meta, document: s.document, appInfo: s.appInfo, busy: s.busy }));
  return (
    <footer className="statusbar" role="contentinfo">
      <span>{document ? `${formatCount(document.inventory.servers.length)} servers · ${formatCount(document.planning.applications.length)} applications` : 'No project'}</span>
      <span className="status-spacer" />
      {busy ? <span aria-live="polite">{busy}…</span> : null}
      <span>{meta?.dirty ? 'Unsaved changes' : meta?.lastSavedAt ? `Saved ${formatTime(meta.lastSavedAt)}` : meta?.path ? 'Saved' : 'Not saved yet'}</span>
      {meta?.autosavedAt ? <span title="Recovery copy in the app data folder">Recovery copy {formatTime(meta.autosavedAt)}</span> : null}
      <span>{appInfo ? `${appInfo.shell === 'browser' ? 'Browser shell' : 'Desktop'} · v${appInfo.version}` : ''}</span>
    </footer>
  );
}
