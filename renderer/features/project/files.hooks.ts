import { useEffect, useState } from 'react';
import { invoke } from '../../ipc/client';
import type { ChannelResult } from '../../../main/common/ipc/contract';

/** Folder listings are view-local data (not document state), so they live in a hook, not the store. */
export function useFolderListing(dir: string, suffixes: string[]): { data: ChannelResult<'files.list'> | null; error: string | null } {
  const [state, setState] = useState<{ data: ChannelResult<'files.list'> | null; error: string | null }>({ data: null, error: null });
  const key = suffixes.join(',');
  useEffect(() => {
    let live = true;
    invoke('files.list', { dir, suffixes: key ? key.split(',') : [] }).then(
      (data) => live && setState({ data, error: null }),
      (err: Error) => live && setState((s) => ({ data: s.data, error: err.message })),
    );
    return () => {
      live = false;
    };
  }, [dir, key]);
  return state;
}
