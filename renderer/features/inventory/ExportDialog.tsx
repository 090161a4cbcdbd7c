import { useCallback, useEffect, useRef, useState } from 'react';
import { useWorkbenchShallow } from '../../store';
import { Dialog, DialogActions } from '../../ui/Dialog';
import { formatCount } from '../../ui/format';
import { FileBrowser } from '../project/FileBrowser';
import type { ExportFormat } from './inventory.slice';

const FORMATS: { id: ExportFormat; label: string; hint: string; ext: string }[] = [
  { id: 'xlsx', label: 'Catalog as Excel workbook', hint: 'One sheet, the catalog columns.', ext: '.xlsx' },
  { id: 'csv', label: 'Catalog as CSV', hint: 'UTF-8 with BOM, opens in Excel.', ext: '.csv' },
  { id: 'migration-hub-csv', label: 'AWS Migration Hub import CSV', hint: 'For Migration Hub → Discover → Tools → Import.', ext: '.csv' },
  { id: 'mgn-csv', label: 'AWS MGN import CSV', hint: 'For Application Migration Service → Import; waves, apps and launch fields from tags.', ext: '.csv' },
];

/** Exports the catalog (all, the filtered view or the selection) and says where the file went. */
export function ExportDialog({ shownIds }: { shownIds: string[] }) {
  const { meta, appInfo, selectedIds, catalog, exportRequested, exportDialogToggled } = useWorkbenchShallow((s) => ({
    meta: s.meta,
    appInfo: s.appInfo,
    selectedIds: s.selectedIds,
    catalog: s.catalog,
    exportRequested: s.exportRequested,
    exportDialogToggled: s.exportDialogToggled,
  }));
  const total = catalog?.rows.length ?? 0;
  const [format, setFormat] = useState<ExportFormat>('xlsx');
  const [scope, setScope] = useState<'all' | 'shown' | 'selected'>(selectedIds.length ? 'selected' : shownIds.length < total ? 'shown' : 'all');
  const startDir = meta?.path ? meta.path.replace(/[\\/][^\\/]*$/, '') : (appInfo?.homeDir ?? '/');
  const [dir, setDir] = useState(startDir);
  const ext = FORMATS.find((f) => f.id === format)!.ext;
  const base = (meta?.name ?? 'inventory').replace(/[^\w.-]+/g, '-').toLowerCase();
  const [name, setName] = useState(`${base}-servers`);
  const [done, setDone] = useState<{ path: string; rows: number } | null>(null);
  /** The file that already exists: the dialog asks before replacing it, as Save As does. */
  const [exists, setExists] = useState<string | null>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  // The question takes the focus, on the choice that loses nothing.
  useEffect(() => {
    if (exists) keepRef.current?.focus();
  }, [exists]);
  const onDirChange = useCallback((d: string) => setDir(d), []);
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  const file = `${name.replace(/\.(csv|xlsx)$/i, '')}${format === 'migration-hub-csv' ? '-migration-hub' : format === 'mgn-csv' ? '-mgn' : ''}${ext}`;
  // An absolute name wins over the folder picked below.
  const target = /^([A-Za-z]:)?[\\/]/.test(name) ? file : `${dir.replace(/[\\/]$/, '')}${sep}${file}`;
  const ids = scope === 'selected' ? selectedIds : scope === 'shown' ? shownIds : undefined;
  const count = ids ? ids.length : total;
  const run = async (overwrite = false) => {
    const res = await exportRequested(format, target, ids, overwrite);
    if (res && 'exists' in res) setExists(res.exists);
    else if (res) {
      setExists(null);
      setDone(res);
    }
  };
  const close = () => exportDialogToggled(false);
  return (
    <Dialog
      title="Export servers"
      onClose={close}
      width={720}
      footer={
        done ? (
          <button type="button" className="primary" onClick={close}>Close</button>
        ) : exists ? (
          <>
            <button type="button" ref={keepRef} onClick={() => setExists(null)}>
              Choose another name
            </button>
            <button type="button" className="danger" onClick={() => void run(true)}>
              Replace
            </button>
          </>
        ) : (
          <DialogActions onCancel={close} label={<>Export {formatCount(count)} servers</>} disabled={count === 0 || !name.trim()} onConfirm={() => void run()} />
        )
      }
    >
      {exists && !done ? (
        <div className="export-exists" role="alert">
          <p>
            <strong>{exists.replace(/^.*[\\/]/, '')}</strong> already exists. Replace it with the export of {formatCount(count)} servers?
          </p>
          <p className="mono export-path">{exists}</p>
        </div>
      ) : done ? (
        <div className="export-done" role="status">
          <p>
            Exported <strong>{formatCount(done.rows)}</strong> servers to
          </p>
          <p className="mono export-path">{done.path}</p>
        </div>
      ) : (
        <>
          <fieldset className="radio-group">
            <legend>Format</legend>
            {FORMATS.map((f) => (
              <label key={f.id} className="radio">
                <input type="radio" name="format" checked={format === f.id} onChange={() => setFormat(f.id)} />
                <span>
                  <strong>{f.label}</strong> <span className="muted small">{f.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="radio-group inline">
            <legend>Servers</legend>
            <label className="radio"><input type="radio" name="scope" checked={scope === 'all'} onChange={() => setScope('all')} /> All ({formatCount(total)})</label>
            <label className="radio"><input type="radio" name="scope" checked={scope === 'shown'} onChange={() => setScope('shown')} /> Shown by the filters ({formatCount(shownIds.length)})</label>
            <label className="radio"><input type="radio" name="scope" checked={scope === 'selected'} disabled={!selectedIds.length} onChange={() => setScope('selected')} /> Selected ({formatCount(selectedIds.length)})</label>
          </fieldset>
          <label className="field">
            <span>File name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} aria-label="Export file name" />
          </label>
          <p className="muted mono small">Writes {target}</p>
          <FileBrowser startDir={startDir} suffixes={[ext]} onDirChange={onDirChange} onPickFile={(e) => setName(e.name)} />
        </>
      )}
    </Dialog>
  );
}
