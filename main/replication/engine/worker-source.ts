import { Worker, type WorkerOptions } from 'node:worker_threads';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from '../../platform/paths';

/**
 * Starts a thread running `replicate.worker.ts` (the job's worker, or with `workerData.role === 'lane'` one of its
 * block lanes, block-pipeline.ts). From the sources (vitest, tsx) the .ts file is loaded through tsx; from the bundle,
 * out/main/replication-worker.mjs (scripts/build.mjs builds it), whichever module started the thread.
 */
export function startReplicationThread(options: WorkerOptions): Worker {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const file = pathToFileURL(path.join(path.dirname(here), 'replicate.worker.ts')).href;
    // The package's ESM entry (createRequire resolves the CommonJS one, whose register() cannot run from an eval worker).
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); })`, { ...options, eval: true });
  }
  // Bundled: this module is part of out/main/replication-worker.mjs itself, or of a chunk of the CLI or the app.
  return new Worker(path.join(packageRoot(), 'out', 'main', 'replication-worker.mjs'), options);
}
