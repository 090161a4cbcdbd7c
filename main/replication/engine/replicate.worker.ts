import { parentPort, workerData } from 'node:worker_threads';
import { Journal } from './journal';
import { replicateDisk, type DiskRunRequest, type DiskRunResult } from './run-disk';

/** Worker thread body: reads, hashes and sends every disk of one job, posting progress and the results. */
export interface JobWorkerData {
  readonly jobDir: string;
  readonly disks: DiskRunRequest[];
}

export type JobWorkerMessage = { type: 'progress'; progress: import('./run-disk').ReplicationProgress } | { type: 'done'; results: DiskRunResult[] } | { type: 'error'; message: string };

async function main(): Promise<void> {
  const data = workerData as JobWorkerData;
  const journal = await Journal.open(`${data.jobDir}/journal.log`);
  try {
    const results: DiskRunResult[] = [];
    for (const d of data.disks) results.push(await replicateDisk(journal, data.jobDir, d, (progress) => parentPort!.postMessage({ type: 'progress', progress } satisfies JobWorkerMessage)));
    parentPort!.postMessage({ type: 'done', results } satisfies JobWorkerMessage);
  } finally {
    await journal.close();
  }
}

main().catch((err: unknown) => parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message.slice(0, 300) : 'the replication worker failed' } satisfies JobWorkerMessage));
