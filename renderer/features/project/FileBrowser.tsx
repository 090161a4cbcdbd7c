import { useEffect, useState } from 'react';
import type { FileEntry } from '../../../main/common/ipc/channels/app.channels';
import { Icon } from '../../ui/icons';
import { useFolderListing } from './files.hooks';

/** A folder listing for the in-app Open/Save dialogs (the browser shell has no native dialog). */
export function FileBrowser({ startDir, suffixes, onPickFile, onDirChange }: { startDir: string; suffixes: string[]; onPickFile(entry: FileEntry): void; onDirChange?(dir: string): void }) {
  const [dir, setDir] = useState(startDir);
  const listing = useFolderListing(dir, suffixes);
  useEffect(() => {
    if (listing.data) onDirChange?.(listing.data.dir);
  }, [listing.data, onDirChange]);
  return (
    <div className="file-browser">
      <div className="file-browser-path">
        <button type="button" className="icon-button" disabled={!listing.data?.parent} onClick={() => listing.data?.parent && setDir(listing.data.parent)} aria-label="Up one folder">
          <Icon name="up" size={16} />
        </button>
        <span className="mono" title={listing.data?.dir ?? dir}>
          {listing.data?.dir ?? dir}
        </span>
      </div>
      {listing.error ? <div className="inline-error">{listing.error}</div> : null}
      <ul className="file-list" role="listbox" aria-label="Files">
        {listing.data?.entries.map((e) => (
          <li key={e.path}>
            <button type="button" role="option" aria-selected="false" className="file-row" onClick={() => (e.kind === 'dir' ? setDir(e.path) : onPickFile(e))}>
              <Icon name={e.kind === 'dir' ? 'folder' : 'file'} size={16} />
              <span className="file-name">{e.name}</span>
              {e.kind === 'file' && e.size !== undefined ? <span className="file-size">{(e.size / 1024).toFixed(0)} KiB</span> : null}
            </button>
          </li>
        ))}
        {listing.data && listing.data.entries.length === 0 ? <li className="muted file-empty">No folders or matching files here.</li> : null}
      </ul>
    </div>
  );
}
