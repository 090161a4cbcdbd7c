import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { WorkbenchError } from '../common/model/errors';
import { throwIfAborted } from '../common/util/cancel';
import { HASH_ALGORITHMS, type HashAlgorithm, type FileHashes } from '../common/verify/hashes';

export interface HashFileOptions {
  algorithms?: readonly HashAlgorithm[];
  signal?: AbortSignal;
  /** Called after each chunk is read (bytes done, file size). */
  onProgress?: (done: number, total: number) => void;
  /** Bytes per ring slot (default 4 MiB). */
  chunkSize?: number;
  /** Ring slots (default 6): how far the reader may run ahead of the slowest hash. */
  slots?: number;
  /** Files up to this size are hashed on the calling thread (worker start-up costs more than the hashing). */
  inlineBelow?: number;
}

export interface HashFileResult {
  size: number;
  hashes: FileHashes;
  /** 'workers' when the hashes ran in parallel worker threads, 'inline' for small files. */
  mode: 'workers' | 'inline';
}

/*
 * One worker per algorithm, all reading the same SharedArrayBuffer ring that the main thread fills with ONE
 * sequential read of the file. The main thread posts {slot, off, len}; each worker hashes the slot and
 * acknowledges it; a slot is refilled only when every worker has acknowledged it. Built from a code string
 * (eval) so that it runs unchanged from vitest sources and from the esbuild bundle.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hash = createHash(workerData.algorithm);
const ring = workerData.ring;
parentPort.on('message', (m) => {
  if (m.end) { parentPort.postMessage({ digest: hash.digest('hex') }); return; }
  hash.update(new Uint8Array(ring, m.off, m.len));
  parentPort.postMessage({ slot: m.slot });
});
`;

const HASHING_CANCELLED = 'Hashing was cancelled.';

/** MD5/SHA-1/SHA-256/SHA-512 of a file in one read, the digests computed in parallel. */
export async function hashFile(file: string, opts: HashFileOptions = {}): Promise<HashFileResult> {
  const algorithms = [...new Set(opts.algorithms ?? HASH_ALGORITHMS)];
  if (algorithms.length === 0) throw new WorkbenchError('invalid-input', 'No hash algorithm requested.');
  const signal = opts.signal;
  throwIfAborted(signal, HASHING_CANCELLED);
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WorkbenchError(code === 'ENOENT' ? 'not-found' : 'file-io', `Cannot read ${file}: ${code ?? String(err)}.`);
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw new WorkbenchError('invalid-input', `${file} is not a regular file.`);
    const total = stat.size;
    if (total <= (opts.inlineBelow ?? 1024 * 1024)) {
      const buf = await fh.readFile({ ...(signal ? { signal } : {}) }).catch((err: unknown) => {
        throwIfAborted(signal, HASHING_CANCELLED);
        throw err;
      });
      const hashes: FileHashes = {};
      for (const a of algorithms) hashes[a] = createHash(a).update(buf).digest('hex');
      opts.onProgress?.(buf.length, total);
      return { size: buf.length, hashes, mode: 'inline' };
    }
    return await hashWithWorkers(fh, total, algorithms, opts);
  } finally {
    await fh.close();
  }
}

async function hashWithWorkers(
  fh: import('node:fs/promises').FileHandle,
  total: number,
  algorithms: HashAlgorithm[],
  opts: HashFileOptions,
): Promise<HashFileResult> {
  const chunk = opts.chunkSize ?? 4 * 1024 * 1024;
  const slots = opts.slots ?? 6;
  const ring = new SharedArrayBuffer(chunk * slots);
  const pending = new Array<number>(slots).fill(0);
  const workers = algorithms.map((algorithm) => new Worker(WORKER_CODE, { eval: true, workerData: { algorithm, ring } }));
  const digests = new Map<HashAlgorithm, string>();
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  workers.forEach((w, i) => {
    w.on('message', (m: { slot?: number; digest?: string }) => {
      if (m.digest !== undefined) digests.set(algorithms[i]!, m.digest);
      else if (m.slot !== undefined) pending[m.slot]!--;
      poke();
    });
    w.on('error', (err) => {
      failure = err;
      poke();
    });
  });
  const onAbort = () => poke();
  opts.signal?.addEventListener('abort', onAbort);
  const waitUntil = async (ready: () => boolean) => {
    while (!ready()) {
      throwIfAborted(opts.signal, HASHING_CANCELLED);
      if (failure) throw new WorkbenchError('internal', `Hash worker failed: ${String(failure)}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
    throwIfAborted(opts.signal, HASHING_CANCELLED);
  };
  try {
    let done = 0;
    let slot = 0;
    for (;;) {
      await waitUntil(() => pending[slot] === 0);
      const off = slot * chunk;
      const { bytesRead } = await fh.read(new Uint8Array(ring, off, chunk), 0, chunk, done);
      if (bytesRead === 0) break;
      pending[slot] = workers.length;
      for (const w of workers) w.postMessage({ slot, off, len: bytesRead });
      done += bytesRead;
      opts.onProgress?.(done, total);
      slot = (slot + 1) % slots;
    }
    for (const w of workers) w.postMessage({ end: true });
    await waitUntil(() => digests.size === workers.length);
    const hashes: FileHashes = {};
    for (const a of algorithms) hashes[a] = digests.get(a)!;
    return { size: done, hashes, mode: 'workers' };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
