import { parentPort, workerData } from 'node:worker_threads';
import { Journal } from './journal';
import { replicateDisk, type DiskRunRequest, type DiskRunResult } from './run-disk';
import { replicateDiskToS3, type S3DiskRunRequest } from './run-disk-s3';

/** Worker thread body: reads, hashes and sends every disk of one job, posting progress and the results. */
export interface JobWorkerData {
  readonly jobDir: string;
  readonly disks: Array<DiskRunRequest | S3DiskRunRequest>;
}

export type JobWorkerMessage = { type: 'progress'; progress: import('./run-disk').ReplicationProgress } | { type: 'done'; results: DiskRunResult[] } | { type: 'error'; message: string };

async function main(): Promise<void> {
  const data = workerData as JobWorkerData;
  // Each transport keeps its own journal: an S3 upload is never the parent of an EBS snapshot.
  const s3 = data.disks.some((d) => d.transport.kind === 's3');
  const journal = await Journal.open(`${data.jobDir}/${s3 ? 'journal-s3.log' : 'journal.log'}`);
  try {
    const results: DiskRunResult[] = [];
    const post = (progress: import('./run-disk').ReplicationProgress) => parentPort!.postMessage({ type: 'progress', progress } satisfies JobWorkerMessage);
    for (const d of data.disks) results.push(d.transport.kind === 's3' ? await replicateDiskToS3(journal, d as S3DiskRunRequest, post) : await replicateDisk(journal, data.jobDir, d as DiskRunRequest, post));
    parentPort!.postMessage({ type: 'done', results } satisfies JobWorkerMessage);
  } finally {
    await journal.close();
  }
}

main().catch((err: unknown) => parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message.slice(0, 300) : 'the replication worker failed' } satisfies JobWorkerMessage));
