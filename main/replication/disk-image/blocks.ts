import { createHash, webcrypto } from 'node:crypto';
import { DiskImageError } from './errors';
import type { DiskImage } from './types';

/** The EBS direct APIs' block size. */
export const EBS_BLOCK_SIZE = 512 * 1024;

export interface DiskBlock {
  readonly index: number;
  readonly offset: number;
  /** Logical bytes in this block (less than the block size only for the last block). */
  readonly length: number;
  /** Unallocated or all zeros: nothing to send. */
  readonly zero: boolean;
  /** The block's bytes, zero-padded to the full block size; absent when `zero`. */
  readonly data?: Buffer;
}

export interface BlocksOptions {
  readonly signal?: AbortSignal;
  /** Blocks read ahead while the consumer works on the current one (default 2; memory ≈ (readAhead+2) × blockSize). */
  readonly readAhead?: number;
  /**
   * Recycle block buffers: a yielded `data` is then valid only until the consumer asks for the next block (copy it to
   * keep it). Saves allocating and page-faulting a fresh buffer per block.
   */
  readonly reuseBuffers?: boolean;
}

/**
 * The image in fixed-size blocks, in order. Blocks the allocation map calls unallocated are never read; blocks that
 * are read and hold only zeros are reported as zero too. Reads run `readAhead` blocks ahead of the consumer.
 */
export async function* blocks(image: DiskImage, blockSize = EBS_BLOCK_SIZE, options: BlocksOptions = {}): AsyncGenerator<DiskBlock> {
  if (!Number.isSafeInteger(blockSize) || blockSize < 512 || blockSize % 512 !== 0) throw new DiskImageError('read-past-end', 'the block size must be a positive multiple of 512');
  const count = Math.ceil(image.size / blockSize);
  const readAhead = Math.max(0, options.readAhead ?? 2);
  const allocated = allocatedBlocks(image, blockSize);
  const zeros = Buffer.alloc(blockSize);
  const pending: Array<Promise<DiskBlock>> = [];
  const pool: Buffer[] = [];
  let lent: Buffer | undefined;
  const take = () => (options.reuseBuffers ? pool.pop() : undefined) ?? Buffer.allocUnsafe(blockSize);
  let next = 0;
  const start = async (index: number): Promise<DiskBlock> => {
    const offset = index * blockSize;
    const length = Math.min(blockSize, image.size - offset);
    if (!(await allocated.has(index))) return { index, offset, length, zero: true };
    const data = take();
    if (length < blockSize) data.fill(0, length);
    await image.readInto(data, 0, offset, length);
    if (data.equals(zeros)) {
      if (options.reuseBuffers) pool.push(data);
      return { index, offset, length, zero: true };
    }
    return { index, offset, length, zero: false, data };
  };
  try {
    while (next < count || pending.length > 0) {
      options.signal?.throwIfAborted();
      while (next < count && pending.length <= readAhead) {
        const p = start(next++);
        // A read-ahead can fail before its turn: mark it handled now, it is still awaited (and rethrown) in order.
        p.catch(() => undefined);
        pending.push(p);
      }
      const block = await pending.shift()!;
      if (options.reuseBuffers && lent) pool.push(lent);
      lent = block.data;
      yield block;
    }
  } finally {
    // Let reads still in flight settle so nothing rejects unobserved after the consumer stops.
    await Promise.allSettled(pending);
  }
}

/**
 * Walks the extents once, in step with the block index, to say which blocks hold any allocated byte. Ask for the
 * blocks in ascending order (calls are serialised).
 */
export function allocatedBlocks(image: DiskImage, blockSize: number) {
  const it = image.extents()[Symbol.asyncIterator]();
  let current: { start: number; end: number; data: boolean } | undefined;
  let done = false;
  let chain = Promise.resolve();
  const ask = async (index: number): Promise<boolean> => {
    const lo = index * blockSize;
    const hi = Math.min(lo + blockSize, image.size);
    for (;;) {
      while (!done && (!current || current.end <= lo)) {
        const r = await it.next();
        if (r.done) done = true;
        else current = { start: r.value.offset, end: r.value.offset + r.value.length, data: r.value.data };
      }
      if (done || !current) return true; // no map: read it
      if (current.data && current.start < hi) return true;
      if (current.end >= hi) return false;
      // This extent ends inside the block and is not data: look at the next one.
      const r = await it.next();
      if (r.done) {
        done = true;
        return false;
      }
      current = { start: r.value.offset, end: r.value.offset + r.value.length, data: r.value.data };
    }
  };
  return {
    // Calls are serialised: the extent iterator is shared and blocks are asked for in order.
    has(index: number): Promise<boolean> {
      const p = chain.then(() => ask(index));
      chain = p.then(
        () => undefined,
        () => undefined,
      );
      return p;
    },
  };
}

export interface DiskImageManifest {
  readonly size: number;
  readonly blockSize: number;
  /** SHA-256 (hex) of the whole logical content, as `qemu-img convert -O raw … | sha256sum` gives it. */
  readonly sha256: string;
  readonly blockCount: number;
  /** Blocks with data (not zero); the others need not be sent. */
  readonly dataBlocks: number;
  /** Per block, 1 when zero. */
  readonly zero: Uint8Array;
  /** Per block, the 32-byte SHA-256 of the block zero-padded to blockSize (what PutSnapshotBlock checks). */
  readonly digests: Buffer;
}

/** The base64 SHA-256 of block `index`, as the EBS direct APIs want it. */
export function blockChecksum(manifest: DiskImageManifest, index: number): string {
  return manifest.digests.subarray(index * 32, index * 32 + 32).toString('base64');
}

export interface HashOptions extends BlocksOptions {
  readonly blockSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * One sequential pass: the whole-image SHA-256 on this thread while per-block digests run on libuv's thread pool
 * (WebCrypto); zero blocks take a digest computed once.
 */
export async function hashDiskImage(image: DiskImage, options: HashOptions = {}): Promise<DiskImageManifest> {
  const blockSize = options.blockSize ?? EBS_BLOCK_SIZE;
  const count = Math.ceil(image.size / blockSize);
  const whole = createHash('sha256');
  const zeroBlock = Buffer.alloc(blockSize);
  const zeroDigest = createHash('sha256').update(zeroBlock).digest();
  const digests = Buffer.alloc(count * 32);
  const zero = new Uint8Array(count);
  const inFlight = new Set<Promise<void>>();
  let dataBlocks = 0;
  // Buffers are recycled: WebCrypto copies its input when digest() is called, and the whole-image hash is synchronous.
  for await (const b of blocks(image, blockSize, { ...options, reuseBuffers: true })) {
    if (b.zero || !b.data) {
      zero[b.index] = 1;
      zeroDigest.copy(digests, b.index * 32);
      whole.update(b.length === blockSize ? zeroBlock : zeroBlock.subarray(0, b.length));
    } else {
      dataBlocks++;
      const data = b.data;
      whole.update(b.length === blockSize ? data : data.subarray(0, b.length));
      const p: Promise<void> = webcrypto.subtle.digest('SHA-256', data).then((d) => {
        Buffer.from(d).copy(digests, b.index * 32);
        inFlight.delete(p);
      });
      inFlight.add(p);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    options.onProgress?.(b.offset + b.length, image.size);
  }
  await Promise.all(inFlight);
  return { size: image.size, blockSize, sha256: whole.digest('hex'), blockCount: count, dataBlocks, zero, digests };
}
