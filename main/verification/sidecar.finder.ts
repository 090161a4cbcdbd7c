import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { evaluateSidecar, sidecarCandidates, type SidecarResult } from '../common/verify/sidecar';
import type { FileHashes } from '../common/verify/hashes';

const MAX_SIDECAR_BYTES = 4 * 1024 * 1024;

/** Sidecar files next to `file`: `file.md5` … `file.sha512`, `SHA256SUMS`-style lists and OVF `*.mf` manifests. */
export async function findSidecars(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const name = path.basename(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const wanted = new Set(sidecarCandidates(name));
  const found = names.filter((n) => n !== name && (wanted.has(n) || (n.toLowerCase().endsWith('.mf') && !name.toLowerCase().endsWith('.mf'))));
  return found.sort().map((n) => path.join(dir, n));
}

/** Reads each sidecar (found or chosen by the user) and checks it against the file's hashes. */
export async function checkSidecars(file: string, hashes: FileHashes, sidecars: string[]): Promise<SidecarResult[]> {
  const results: SidecarResult[] = [];
  for (const s of sidecars) {
    const label = path.basename(s);
    try {
      const st = await stat(s);
      if (!st.isFile()) {
        results.push({ sidecar: label, verdict: 'malformed', algorithm: null, reason: 'not a regular file' });
        continue;
      }
      if (st.size > MAX_SIDECAR_BYTES) {
        results.push({ sidecar: label, verdict: 'malformed', algorithm: null, reason: `${st.size} bytes: too large for a checksum file` });
        continue;
      }
      const bytes = await readFile(s);
      const r = evaluateSidecar(label, bytes, path.basename(file), hashes);
      // A shared list (SHA256SUMS, *.mf) naming only other files says nothing about this one; a sidecar named
      // after the file that names another file is reported (someone may have renamed or swapped files).
      if (!label.startsWith(path.basename(file)) && r.every((x) => x.verdict === 'name-mismatch')) continue;
      results.push(...r);
    } catch (err) {
      results.push({ sidecar: label, verdict: 'malformed', algorithm: null, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    }
  }
  return results;
}
