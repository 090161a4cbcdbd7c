import { useWorkbenchShallow } from '../store';
import { Icon, type IconName } from '../ui/icons';

function ToolButton({ icon, label, shortcut, onClick, disabled }: { icon: IconName; label: string; shortcut?: string; onClick(): void; disabled?: boolean }) {
  return (
    <button type="button" className="tool-button" onClick={onClick} disabled={disabled} title={shortcut ? `${label} (${shortcut})` : label} aria-label={label} aria-keyshortcuts={shortcut}>
      <Icon name={icon} size={17} />
      <span>{label}</span>
    </button>
  );
}

export function TopBar() {
  const s = useWorkbenchShallow((s) => ({
    meta: s.meta,
    busy: s.busy,
    newProjectRequested: s.newProjectRequested,
    demoRequested: s.demoRequested,
    openDialogRequested: s.openDialogRequested,
    saveRequested: s.saveRequested,
    saveAsDialogRequested: s.saveAsDialogRequested,
    undoRequested: s.undoRequested,
    redoRequested: s.redoRequested,
    dialogOpened: s.dialogOpened,
  }));
  const meta = s.meta;
  return (
    <header className="topbar">
      <div className="brand" aria-label="Migration Workbench">
        <span className="brand-mark">MW</span>
        <span className="brand-name">Migration Workbench</span>
      </div>
      <div className="doc-title" data-testid="doc-title">
        <span className="doc-name">{meta?.name ?? '…'}</span>
        <span className="doc-file muted" title={meta?.path ?? undefined}>
          {meta?.fileName ?? ''}
        </span>
        {meta?.dirty ? (
          <span className="dirty-dot" data-testid="dirty-indicator" title="Unsaved changes" aria-label="Unsaved changes">
            ●
          </span>
        ) : null}
      </div>
      <nav className="toolbar" aria-label="Project">
        <ToolButton icon="new" label="New" shortcut="Control+N" onClick={() => void s.newProjectRequested()} />
        <ToolButton icon="open" label="Open" shortcut="Control+O" onClick={() => void s.openDialogRequested()} />
        <ToolButton icon="demo" label="Demo" onClick={() => void s.demoRequested()} />
        <ToolButton icon="save" label="Save" shortcut="Control+S" onClick={() => void s.saveRequested()} disabled={!!s.busy} />
        <ToolButton icon="save" label="Save As" shortcut="Control+Shift+S" onClick={() => void s.saveAsDialogRequested()} disabled={!!s.busy} />
        <span className="toolbar-sep" />
        <ToolButton icon="undo" label="Undo" shortcut="Control+Z" onClick={() => void s.undoRequested()} disabled={!meta?.canUndo} />
        <ToolButton icon="redo" label="Redo" shortcut="Control+Shift+Z" onClick={() => void s.redoRequested()} disabled={!meta?.canRedo} />
        <span className="toolbar-sep" />
        <ToolButton icon="props" label="Properties" onClick={() => s.dialogOpened({ kind: 'properties' })} />
      </nav>
    </header>
  );
}
