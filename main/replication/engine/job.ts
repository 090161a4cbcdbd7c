import { existsSync, mkdirSync } from 'node:fs';
import { startReplicationThread } from './worker-source';
import { INTERRUPTED } from './interrupted';
import type { DiskRunRequest, DiskRunResult, ReplicationProgress } from './run-disk';
import type { S3DiskRunRequest } from './run-disk-s3';
import type { JobWorkerData, JobWorkerMessage, JobWorkerRequest } from './replicate.worker';

/** How long a stopped EBS run may take to let its uploads in flight end before its thread is terminated. */
const STOP_GRACE_MS = 10_000;

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
    // A pause or a cancel: an EBS run stops sending, lets its uploads in flight end and journals them (so that the
    // resumed run re-sends none of them), then reports; a worker that takes longer, or an S3 run (its parts are
    // journaled as they complete), is stopped at once.
    let deadline: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (req.disks.some((d) => d.transport.kind === 's3')) return void worker.terminate();
      worker.postMessage({ type: 'stop' } satisfies JobWorkerRequest);
      deadline = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      req.signal?.removeEventListener('abort', onAbort);
      clearTimeout(deadline);
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: JobWorkerMessage) => {
      if (m.type === 'progress') req.onProgress?.(m.progress);
      else if (req.signal?.aborted) finish(() => reject(new Error(INTERRUPTED)));
      else if (m.type === 'done') finish(() => resolve(m.results));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(req.signal?.aborted ? INTERRUPTED : `the replication worker stopped (exit ${code})`))));
  });
}
