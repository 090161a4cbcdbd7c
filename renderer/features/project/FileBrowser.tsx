import { useEffect, useState } from 'react';
import type { FileEntry } from '../../../main/common/ipc/channels/app.channels';
import { Icon } from '../../ui/icons';
import { formatBytes } from '../../ui/format';
import { useFolderListing } from './files.hooks';

const LAST_FOLDER_KEY = 'mwb.lastFolder';

/** The folder the user last browsed to in any in-app file browser (kept across sessions of this browser). */
export function lastFolder(): string | null {
  try {
    return window.localStorage.getItem(LAST_FOLDER_KEY);
  } catch {
    return null;
  }
}

function rememberFolder(dir: string): void {
  try {
    window.localStorage.setItem(LAST_FOLDER_KEY, dir);
  } catch {
    // Storage may be off (private window): the browser then starts at the caller's folder.
  }
}

/** The clickable parts of a path: `/srv/data` → `/`, `/srv`, `/srv/data`; `C:\a` → `C:\`, `C:\a`. */
export function pathSegments(dir: string): { label: string; path: string }[] {
  const windows = /^[A-Za-z]:[\\/]/.test(dir) || (dir.includes('\\') && !dir.includes('/'));
  const sep = windows ? '\\' : '/';
  const parts = dir.split(/[\\/]+/).filter(Boolean);
  const out: { label: string; path: string }[] = [];
  let root = '';
  if (windows && /^[A-Za-z]:$/.test(parts[0] ?? '')) {
    root = `${parts.shift()!}\\`;
    out.push({ label: root, path: root });
  } else if (!windows) {
    root = '/';
    out.push({ label: '/', path: '/' });
  }
  let acc = root;
  for (const p of parts) {
    acc = acc.endsWith(sep) || acc === '' ? `${acc}${p}` : `${acc}${sep}${p}`;
    out.push({ label: p, path: acc });
  }
  return out;
}

/**
 * A folder listing for the in-app Open/Save dialogs (the browser shell has no native dialog): a path bar
 * whose segments jump to any parent, a typed path (Enter goes there), folders and matching files with sizes.
 * It starts at the last folder used unless the caller names one it must start at (`fixedStart`).
 */
export function FileBrowser({ startDir, fixedStart = false, suffixes, onPickFile, onDirChange }: { startDir: string; fixedStart?: boolean; suffixes: string[]; onPickFile(entry: FileEntry): void; onDirChange?(dir: string): void }) {
  const [dir, setDir] = useState(() => (fixedStart ? startDir : (lastFolder() ?? startDir)));
  const [typed, setTyped] = useState<string | null>(null);
  const listing = useFolderListing(dir, suffixes);
  // The path bar shows the folder asked for at once; main's answer then gives its canonical spelling.
  const shownDir = dir;
  const stale = !listing.data || listing.data.dir !== dir;
  useEffect(() => {
    if (!listing.data) return;
    rememberFolder(listing.data.dir);
    onDirChange?.(listing.data.dir);
    setDir(listing.data.dir);
  }, [listing.data, onDirChange]);
  // The remembered folder may be gone (deleted, another machine): start at the caller's folder instead.
  useEffect(() => {
    if (listing.error && !listing.data && dir !== startDir) setDir(startDir);
  }, [listing.error, listing.data, dir, startDir]);
  const go = (d: string) => {
    setTyped(null);
    setDir(d);
    onDirChange?.(d);
  };
  return (
    <div className="file-browser">
      <div className="file-browser-path">
        <button type="button" className="icon-button" disabled={!listing.data?.parent} onClick={() => listing.data?.parent && go(listing.data.parent)} aria-label="Up one folder" title="Up one folder">
          <Icon name="up" size={16} />
        </button>
        {typed === null ? (
          <>
            <nav className="path-segments" aria-label="Folder path" title={shownDir}>
              {pathSegments(shownDir).map((seg, i, all) => (
                <span key={seg.path} className="path-segment">
                  {i > 0 && all[i - 1]!.label !== '/' && !all[i - 1]!.label.endsWith('\\') ? <span className="path-sep" aria-hidden="true">/</span> : null}
                  <button type="button" className="link-button mono" aria-current={i === all.length - 1 ? 'location' : undefined} onClick={() => go(seg.path)}>
                    {seg.label}
                  </button>
                </span>
              ))}
            </nav>
            <button type="button" className="link-button" onClick={() => setTyped(shownDir)}>
              Type a path
            </button>
          </>
        ) : (
          <form
            className="path-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (typed.trim()) go(typed.trim());
            }}
          >
            <input className="mono" aria-label="Folder path" value={typed} autoFocus spellCheck={false} onChange={(e) => setTyped(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), setTyped(null))} />
            <button type="submit">Go</button>
          </form>
        )}
      </div>
      {listing.error ? <div className="inline-error" role="alert">{listing.error}</div> : null}
      <ul className={`file-list${stale ? ' stale' : ''}`} aria-label="Files" aria-busy={stale}>
        {listing.data?.entries.map((e) => (
          <li key={e.path}>
            <button type="button" className="file-row" onClick={() => (e.kind === 'dir' ? go(e.path) : onPickFile(e))} aria-label={e.kind === 'dir' ? `Folder ${e.name}` : undefined}>
              <Icon name={e.kind === 'dir' ? 'folder' : 'file'} size={16} />
              <span className="file-name">{e.name}</span>
              {e.kind === 'file' && e.size !== undefined ? <span className="file-size">{formatBytes(e.size)}</span> : null}
            </button>
          </li>
        ))}
        {listing.data && listing.data.entries.length === 0 ? <li className="muted file-empty">No folders or matching files here.</li> : null}
      </ul>
    </div>
  );
}
