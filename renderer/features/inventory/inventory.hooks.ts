import { useState } from 'react';
import { pathForFile } from '../../ipc/client';

/**
 * Files dropped or chosen in the page become paths main can read (Electron knows the real path;
 * the browser shell uploads to a private temp folder). View-local state, hence a hook.
 */
export function useDroppedFiles(): { uploading: string | null; error: string | null; upload(files: File[]): Promise<string[]> } {
  const [uploading, setUploading] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return {
    uploading,
    error,
    async upload(files) {
      const out: string[] = [];
      setError(null);
      try {
        for (const f of files) {
          setUploading(f.name);
          out.push(await pathForFile(f));
        }
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      } finally {
        setUploading(null);
      }
      return out;
    },
  };
}
