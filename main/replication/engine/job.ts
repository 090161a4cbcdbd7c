import { existsSync, mkdirSync } from 'node:fs';
import { startReplicationThread } from './worker-source';
import type { DiskRunRequest, DiskRunResult, ReplicationProgress } from './run-disk';
import type { S3DiskRunRequest } from './run-disk-s3';
import type { JobWorkerData, JobWorkerMessage } from './replicate.worker';

export interface ReplicationJobRequest {
  /** The job's folder in the app's data folder (journal + manifests); one job replicates one server. */
  readonly jobDir: string;
  /** Every disk of a job goes by one transport (EBS direct or S3). */
  readonly disks: Array<DiskRunRequest | S3DiskRunRequest>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReplicationProgress) => void;
  /** A bandwidth cap shared by every job's worker (platform/bandwidth.ts); absent = none. */
  readonly bandwidth?: SharedArrayBuffer;
}

/** Runs a job's disks in a worker thread (reading, hashing and sending never run on the caller's thread). */
export function runReplicationJob(req: ReplicationJobRequest): Promise<DiskRunResult[]> {
  if (!existsSync(req.jobDir)) mkdirSync(req.jobDir, { recursive: true, mode: 0o700 });
  const workerData: JobWorkerData = { jobDir: req.jobDir, disks: req.bandwidth ? req.disks.map((d) => ({ ...d, bandwidth: req.bandwidth! })) : req.disks };
  // The SDK's notice about future Node versions is not for the consultant; everything else of the environment is kept.
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const worker = startReplicationThread({ workerData, env });
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = () => void worker.terminate();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      req.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: JobWorkerMessage) => {
      if (m.type === 'progress') req.onProgress?.(m.progress);
      else if (m.type === 'done') finish(() => resolve(m.results));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(req.signal?.aborted ? 'the replication was interrupted' : `the replication worker stopped (exit ${code})`))));
  });
}
