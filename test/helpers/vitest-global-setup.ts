import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopPeer } from './peers';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder of this vitest run where test files share peers (helpers/shared-radosgw.ts). */
    sharedPeersDir: string;
  }
}

/**
 * vitest's globalSetup (vitest.config.ts): a folder of the run for peers the test files share, started by the first
 * file that needs one (nothing is started here, so a run of files that need none pays nothing); the teardown stops
 * what was started there and removes the folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-vitest-peers-'));
  project.provide('sharedPeersDir', dir);
  return async () => {
    const env = await readFile(path.join(dir, 'radosgw.env.json'), 'utf8').then((t) => JSON.parse(t) as Record<string, string>, () => null);
    if (env) await stopPeer('start-radosgw.sh', env).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
}
