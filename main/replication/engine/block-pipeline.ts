import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { allocatedBlocks, type DiskImage } from '../disk-image';

/**
 * The read → zero check → hash stage of a run, built for throughput: the image is read in large sequential chunks
 * (several blocks per read) into a small pool of SharedArrayBuffers, and hashing threads check each block for zeros
 * and hash it in place (no copy, no per-block allocation); zero blocks are never hashed. The caller gets the chunks in
 * order, each with its blocks' digests, and releases each block when it is done with it (after its upload), so a
 * chunk's buffer is reused only once nothing refers to it.
 */

/** One block of a chunk, as the caller sees it. */
export interface PipelineBlock {
  readonly index: number;
  readonly offset: number;
  /** Logical bytes (less than the block size only for the last block). */
  readonly length: number;
  /** Unallocated, or read and all zeros. */
  readonly zero: boolean;
  /** SHA-256 of the block zero-padded to the block size; absent when `zero`. */
  readonly digest?: Buffer;
  /** The block's bytes, zero-padded (a view of the chunk's shared buffer, valid until `release`); absent when `zero`. */
  readonly data?: Buffer;
}

export interface PipelineChunk {
  readonly blocks: readonly PipelineBlock[];
  /** Logical bytes covered by the chunk. */
  readonly bytes: number;
  /**
   * Hands a data block back (once the caller no longer needs its `data`: not sent, or its upload settled). The
   * chunk's buffer is reused when every data block is released and `done` was called.
   */
  release(block: PipelineBlock): void;
  /** The caller has looked at every block (call once). */
  done(): void;
}

export interface PipelineOptions {
  readonly blockSize: number;
  /** Blocks per read (default 8: 4 MiB reads for EBS blocks). */
  readonly chunkBlocks?: number;
  /** Chunks read and hashed ahead of the consumer (default 3). */
  readonly readAhead?: number;
  /**
   * Blocks the consumer may keep at once (its uploads in flight): with `readAhead` this bounds the buffers
   * ((readAhead + keep + 1) chunks at most).
   */
  readonly keep: number;
  readonly signal?: AbortSignal;
}

/** Hashing threads' body (plain JavaScript, so it runs the same from the sources and from the bundle). */
const HASHER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const buffers = new Map();
let zeros = Buffer.alloc(0);
parentPort.on('message', (m) => {
  if (m.t === 'buffer') { buffers.set(m.id, Buffer.from(m.sab)); return; }
  const buf = buffers.get(m.buffer);
  const n = m.blocks.length;
  const zero = new Uint8Array(n);
  const digests = new Uint8Array(n * 32);
  for (let k = 0; k < n; k++) {
    const [start, size] = m.blocks[k];
    const block = buf.subarray(start, start + size);
    if (zeros.length < size) zeros = Buffer.alloc(size);
    if (block.equals(zeros.subarray(0, size))) { zero[k] = 1; continue; }
    createHash('sha256').update(block).digest().copy(digests, k * 32);
  }
  parentPort.postMessage({ id: m.id, zero, digests }, [zero.buffer, digests.buffer]);
});
`;

interface HashReply {
  readonly id: number;
  readonly zero: Uint8Array;
  readonly digests: Uint8Array;
}

/** A small pool of hashing threads; each knows the shared buffers by id. */
class Hashers {
  private readonly workers: Array<{ worker: Worker; queued: number }> = [];
  private readonly waiting = new Map<number, { resolve: (r: HashReply) => void; reject: (e: Error) => void; slot: { queued: number } }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(HASHER_SOURCE, { eval: true });
      const slot = { worker, queued: 0 };
      worker.on('message', (r: HashReply) => {
        const w = this.waiting.get(r.id);
        if (!w) return;
        this.waiting.delete(r.id);
        w.slot.queued--;
        w.resolve(r);
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a hashing thread stopped (exit ${code})`));
      });
      this.workers.push(slot);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }

  share(id: number, sab: SharedArrayBuffer): void {
    for (const w of this.workers) w.worker.postMessage({ t: 'buffer', id, sab });
  }

  hash(buffer: number, blocks: Array<[number, number]>): Promise<HashReply> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.queued < a.queued ? b : a));
    const id = this.nextId++;
    slot.queued++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ t: 'hash', id, buffer, blocks });
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.worker.terminate()));
  }
}

interface SharedChunkBuffer {
  readonly id: number;
  readonly buf: Buffer;
  refs: number;
}

/**
 * Reads `image` in order as chunks of blocks with their digests. Unallocated blocks are never read nor hashed; a
 * chunk's allocated blocks are read with as few reads as their runs allow.
 */
export async function* hashedChunks(image: DiskImage, options: PipelineOptions): AsyncGenerator<PipelineChunk> {
  const { blockSize } = options;
  const chunkBlocks = Math.max(1, options.chunkBlocks ?? 8);
  const readAhead = Math.max(1, options.readAhead ?? 3);
  const count = Math.ceil(image.size / blockSize);
  const allocated = allocatedBlocks(image, blockSize);
  // Two hashing threads are enough to keep up with a sequential read on most machines; never more than the cores.
  const hashers = new Hashers(Math.max(1, Math.min(2, availableParallelism())));
  const maxBuffers = readAhead + options.keep + 1;
  const all: SharedChunkBuffer[] = [];
  const free: SharedChunkBuffer[] = [];
  const freed: Array<() => void> = [];
  const unref = (b: SharedChunkBuffer) => {
    if (--b.refs === 0) {
      free.push(b);
      freed.shift()?.();
    }
  };
  const takeBuffer = async (): Promise<SharedChunkBuffer> => {
    for (;;) {
      const b = free.pop();
      if (b) return b;
      if (all.length < maxBuffers) {
        const sab = new SharedArrayBuffer(chunkBlocks * blockSize);
        const fresh = { id: all.length, buf: Buffer.from(sab), refs: 0 };
        all.push(fresh);
        hashers.share(fresh.id, sab);
        return fresh;
      }
      await new Promise<void>((resolve) => freed.push(resolve));
    }
  };

  // The allocation map is walked once, in ascending block order: each chunk asks for its blocks in turn, queued in
  // the order the chunks are started (they load concurrently).
  let allocation: Promise<unknown> = Promise.resolve();
  const allocationOf = (first: number, last: number): Promise<boolean[]> => {
    const p = allocation.then(async () => {
      const out: boolean[] = [];
      for (let i = first; i < last; i++) out.push(await allocated.has(i));
      return out;
    });
    allocation = p.catch(() => undefined);
    return p;
  };

  const load = async (first: number): Promise<PipelineChunk> => {
    const last = Math.min(count, first + chunkBlocks);
    const isData = await allocationOf(first, last);
    const bytes = Math.min(image.size, last * blockSize) - first * blockSize;
    if (!isData.some(Boolean)) {
      const blocks = isData.map((_, k) => ({ index: first + k, offset: (first + k) * blockSize, length: Math.min(blockSize, image.size - (first + k) * blockSize), zero: true }));
      return { blocks, bytes, release: () => undefined, done: () => undefined };
    }
    const b = await takeBuffer();
    b.refs = 1;
    // Runs of allocated blocks, one read each; the last block's tail past the disk's end is zero-padded.
    for (let k = 0; k < isData.length; ) {
      if (!isData[k]) {
        k++;
        continue;
      }
      let e = k;
      while (e < isData.length && isData[e]) e++;
      const from = (first + k) * blockSize;
      const length = Math.min(image.size, (first + e) * blockSize) - from;
      await image.readInto(b.buf, k * blockSize, from, length);
      if (length < (e - k) * blockSize) b.buf.fill(0, k * blockSize + length, e * blockSize);
      k = e;
    }
    const toHash: Array<[number, number]> = [];
    isData.forEach((d, k) => d && toHash.push([k * blockSize, blockSize]));
    const reply = await hashers.hash(b.id, toHash);
    const blocks: PipelineBlock[] = [];
    let h = 0;
    for (let k = 0; k < isData.length; k++) {
      const index = first + k;
      const offset = index * blockSize;
      const length = Math.min(blockSize, image.size - offset);
      if (!isData[k] || reply.zero[h++]) {
        blocks.push({ index, offset, length, zero: true });
        continue;
      }
      b.refs++;
      const at = (h - 1) * 32;
      blocks.push({ index, offset, length, zero: false, digest: Buffer.from(reply.digests.buffer, reply.digests.byteOffset + at, 32), data: b.buf.subarray(k * blockSize, (k + 1) * blockSize) });
    }
    const released = new Set<PipelineBlock>();
    let doneCalled = false;
    return {
      blocks,
      bytes,
      release(block) {
        if (!block.data || released.has(block)) return;
        released.add(block);
        unref(b);
      },
      done() {
        if (doneCalled) return;
        doneCalled = true;
        unref(b);
      },
    };
  };

  const pending: Array<Promise<PipelineChunk>> = [];
  let next = 0;
  try {
    while (next < count || pending.length > 0) {
      options.signal?.throwIfAborted();
      while (next < count && pending.length < readAhead) {
        const p = load(next);
        next += chunkBlocks;
        // Loaded ahead, awaited in order: a failure is rethrown when its turn comes.
        p.catch(() => undefined);
        pending.push(p);
      }
      yield await pending.shift()!;
    }
  } finally {
    await Promise.allSettled(pending);
    await hashers.close();
  }
}
