import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { blockChecksum, blocks, DiskImageError, hashDiskImage, type DiskExtent, type DiskImage } from '../../../../main/replication/disk-image';

/** An in-memory image: content plus an allocation map; records every read and the most reads in flight at once. */
function memoryImage(content: Buffer, extents: DiskExtent[]): DiskImage & { reads: Array<[number, number]>; maxInFlight: number } {
  let inFlight = 0;
  const img = {
    path: 'memory',
    format: 'raw' as const,
    size: content.length,
    reads: [] as Array<[number, number]>,
    maxInFlight: 0,
    async *extents() {
      yield* extents;
    },
    async read(offset: number, length: number) {
      const b = Buffer.alloc(length);
      await img.readInto(b, 0, offset, length);
      return b;
    },
    async readInto(dst: Buffer, at: number, offset: number, length: number) {
      img.reads.push([offset, length]);
      inFlight++;
      img.maxInFlight = Math.max(img.maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      content.copy(dst, at, offset, offset + length);
      inFlight--;
    },
    async close() {},
  };
  return img;
}

const BS = 4096;
const sha = (b: Buffer) => createHash('sha256').update(b).digest();

describe('blocks()', () => {
  it('never reads unallocated blocks, reports read blocks of zeros as zero and pads the last block', async () => {
    const content = Buffer.alloc(5 * BS + 100);
    content.fill(7, BS, BS + 10); // block 1: data
    // block 3 allocated but all zeros; block 5 (partial) data
    content.fill(9, 5 * BS, 5 * BS + 100);
    const img = memoryImage(content, [
      { offset: 0, length: BS, data: false },
      { offset: BS, length: BS, data: true },
      { offset: 2 * BS, length: BS, data: false },
      { offset: 3 * BS, length: BS, data: true },
      { offset: 4 * BS, length: BS, data: false },
      { offset: 5 * BS, length: 100, data: true },
    ]);
    const seen = [];
    for await (const b of blocks(img, BS)) seen.push({ index: b.index, offset: b.offset, length: b.length, zero: b.zero, data: b.data ? Buffer.from(b.data) : undefined });
    expect(seen.map((b) => [b.index, b.zero, b.length])).toEqual([
      [0, true, BS],
      [1, false, BS],
      [2, true, BS],
      [3, true, BS],
      [4, true, BS],
      [5, false, 100],
    ]);
    expect(img.reads.map((r) => r[0] / BS)).toEqual([1, 3, 5]);
    expect(seen[5]!.data!.length).toBe(BS);
    expect(seen[5]!.data!.subarray(0, 100).equals(Buffer.alloc(100, 9))).toBe(true);
    expect(seen[5]!.data!.subarray(100).equals(Buffer.alloc(BS - 100))).toBe(true);
  });

  it('a block that is only partly allocated is read', async () => {
    const content = Buffer.alloc(2 * BS);
    content[BS + BS / 2] = 1;
    const img = memoryImage(content, [
      { offset: 0, length: BS + BS / 2, data: false },
      { offset: BS + BS / 2, length: 1, data: true },
      { offset: BS + BS / 2 + 1, length: BS / 2 - 1, data: false },
    ]);
    const zero = [];
    for await (const b of blocks(img, BS)) zero.push(b.zero);
    expect(zero).toEqual([true, false]);
  });

  it('keeps at most readAhead + 1 reads in flight', async () => {
    const img = memoryImage(Buffer.alloc(64 * BS, 1), [{ offset: 0, length: 64 * BS, data: true }]);
    let n = 0;
    for await (const b of blocks(img, BS, { readAhead: 3 })) n += b.zero ? 0 : 1;
    expect(n).toBe(64);
    expect(img.maxInFlight).toBeLessThanOrEqual(4);
    expect(img.maxInFlight).toBeGreaterThan(1);
  });

  it('stops on abort and refuses block sizes that are not multiples of 512', async () => {
    const img = memoryImage(Buffer.alloc(16 * BS, 1), [{ offset: 0, length: 16 * BS, data: true }]);
    const ac = new AbortController();
    let n = 0;
    await expect(
      (async () => {
        for await (const b of blocks(img, BS, { signal: ac.signal })) if (b.index >= 0 && ++n === 3) ac.abort();
      })(),
    ).rejects.toThrow();
    expect(n).toBe(3);
    await expect(blocks(img, 1000).next()).rejects.toBeInstanceOf(DiskImageError);
  });
});

describe('hashDiskImage()', () => {
  it('gives the SHA-256 of the whole content and of every zero-padded block, zero blocks by the precomputed digest', async () => {
    const blockSize = 512 * 1024;
    const size = 9 * blockSize + 12_345;
    const content = Buffer.alloc(size);
    for (const i of [0, 2, 3, 4, 7, 9]) for (let j = 0; j < 1000; j++) content[i * blockSize + j * 37] = (i * 31 + j) & 0xff || 1;
    const img = memoryImage(content, [
      { offset: 0, length: 8 * blockSize, data: true },
      { offset: 8 * blockSize, length: blockSize, data: false },
      { offset: 9 * blockSize, length: 12_345, data: true },
    ]);
    const m = await hashDiskImage(img);
    expect(m.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(m.blockCount).toBe(10);
    expect(m.dataBlocks).toBe(6);
    expect([...m.zero]).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 1, 0]);
    for (let i = 0; i < 10; i++) {
      const block = Buffer.alloc(blockSize);
      content.copy(block, 0, i * blockSize, Math.min(size, (i + 1) * blockSize));
      expect(blockChecksum(m, i), `block ${i}`).toBe(sha(block).toString('base64'));
    }
    // Never read: the unallocated block.
    expect(img.reads.some(([o]) => o === 8 * blockSize)).toBe(false);
  });

  it('reports progress up to the full size', async () => {
    const img = memoryImage(Buffer.alloc(4 * BS, 3), [{ offset: 0, length: 4 * BS, data: true }]);
    const progress: number[] = [];
    await hashDiskImage(img, { blockSize: BS, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([BS, 2 * BS, 3 * BS, 4 * BS]);
  });
});
