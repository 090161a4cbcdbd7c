import { parentPort, workerData } from 'node:worker_threads';
import type { DiskRunRequest, DiskRunResult, ReplicationProgress } from './run-disk';
import type { S3DiskRunRequest } from './run-disk-s3';
import type { LaneWorkerData } from './block-lane';

/**
 * Worker thread body. The job's worker reads, hashes (through its block lanes) and sends every disk of one job,
 * posting progress and the results; a thread started with `role: 'lane'` is one of a disk's block lanes
 * (block-lane.ts). Each path loads only its own modules: an EBS run never loads the S3 client, a lane loads the EBS
 * client only once it has blocks to send.
 */
export interface JobWorkerData {
  readonly jobDir: string;
  readonly disks: Array<DiskRunRequest | S3DiskRunRequest>;
}

/** To the job's worker: stop (a pause or a cancel); an EBS run lets its uploads in flight end and journals them. */
export type JobWorkerRequest = { type: 'stop' };

export type JobWorkerMessage = { type: 'progress'; progress: ReplicationProgress } | { type: 'done'; results: DiskRunResult[] } | { type: 'error'; message: string };

async function main(): Promise<void> {
  const data = workerData as JobWorkerData;
  // Each transport keeps its own journal: an S3 upload is never the parent of an EBS snapshot.
  const s3 = data.disks.some((d) => d.transport.kind === 's3');
  // The block lanes boot while the journal is read, the image opened and the EBS client loaded (EBS runs only).
  const lanes = s3 ? undefined : new (await import('./block-pipeline')).LanePool();
  const stop = new AbortController();
  const onRequest = (m: JobWorkerRequest) => {
    if (m.type === 'stop') stop.abort();
  };
  parentPort!.on('message', onRequest);
  try {
    const { Journal } = await import('./journal');
    const journal = await Journal.open(`${data.jobDir}/${s3 ? 'journal-s3.log' : 'journal.log'}`);
    try {
      const results: DiskRunResult[] = [];
      const post = (progress: ReplicationProgress) => parentPort!.postMessage({ type: 'progress', progress } satisfies JobWorkerMessage);
      for (const d of data.disks) {
        if (stop.signal.aborted) break;
        if (d.transport.kind === 's3') results.push(await (await import('./run-disk-s3')).replicateDiskToS3(journal, d as S3DiskRunRequest, post));
        else results.push(await (await import('./run-disk')).replicateDisk(journal, data.jobDir, d as DiskRunRequest, post, { ...(lanes ? { lanes } : {}), stop: stop.signal }));
      }
      parentPort!.postMessage({ type: 'done', results } satisfies JobWorkerMessage);
    } finally {
      await journal.close();
    }
  } finally {
    parentPort!.off('message', onRequest);
    await lanes?.close();
  }
}

if ((workerData as Partial<LaneWorkerData> | null)?.role === 'lane') {
  void import('./block-lane').then((m) => m.runLane());
} else {
  main().catch((err: unknown) => parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message.slice(0, 300) : 'the replication worker failed' } satisfies JobWorkerMessage));
}
