import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BUNDLE = path.join(ROOT, 'out/main/cli.mjs');

/** The newest modification time of the files under `dir` (recursively). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

let cached: string[] | undefined;

/**
 * The node arguments that run `mwb`: the built CLI (bin/mwb.mjs over out/main/cli.mjs, as a user runs it) when
 * `node scripts/build.mjs` has built it after the last change under main/ (`npm test` builds before vitest), else
 * the sources through tsx. A process from the bundle starts in about a quarter of the CPU time tsx needs, and the
 * kill-and-resume tests start dozens.
 */
export function mwbCli(): string[] {
  if (cached) return cached;
  let built = 0;
  try {
    built = statSync(BUNDLE).mtimeMs;
  } catch {
    built = 0;
  }
  cached = built > 0 && built >= newestMtime(path.join(ROOT, 'main')) ? [path.join(ROOT, 'bin/mwb.mjs')] : ['--import', 'tsx', path.join(ROOT, 'main/cli.ts')];
  return cached;
}
