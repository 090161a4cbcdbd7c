import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { BlockPipeline, zeroDigestOf, type PipelineOptions } from '../../../../main/replication/engine/block-pipeline';
import { DiskImageError, type DiskExtent, type DiskImage } from '../../../../main/replication/disk-image';

/** An in-memory image with an allocation map; records every read; `failAt` makes the read covering it fail. */
function memoryImage(content: Buffer, extents: DiskExtent[], failAt?: number): DiskImage & { reads: Array<[number, number]> } {
  const img = {
    path: 'memory',
    format: 'raw' as const,
    size: content.length,
    reads: [] as Array<[number, number]>,
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
      await new Promise((r) => setTimeout(r, 1));
      if (failAt !== undefined && failAt >= offset && failAt < offset + length) throw new DiskImageError('truncated', 'the image file ended early (changed while reading?)');
      content.copy(dst, at, offset, offset + length);
    },
    async close() {},
  };
  return img;
}

const BS = 4096;
const sha = (b: Buffer) => createHash('sha256').update(b).digest();

async function collect(img: DiskImage, opts: Partial<PipelineOptions> = {}) {
  const out: Array<{ index: number; offset: number; length: number; zero: boolean; digest: Buffer; fast: Buffer; changed: boolean; sending: boolean }> = [];
  const pipeline = new BlockPipeline(img, { blockSize: BS, chunkBlocks: 4, lanes: 2, ...opts });
  try {
    for await (const chunk of pipeline.chunks()) {
      for (const b of chunk.blocks) out.push({ index: b.index, offset: b.offset, length: b.length, zero: b.zero, digest: Buffer.from(b.digest), fast: Buffer.from(b.fast), changed: b.changed, sending: b.sending });
    }
  } finally {
    await pipeline.close();
  }
  return out;
}

describe('BlockPipeline (block lanes, nothing sent)', () => {
  it('digests every data block (zero-padded at the end), reports zero blocks without hashing them, reads only allocated runs', async () => {
    const blocks = 10;
    const content = Buffer.alloc(blocks * BS + 100);
    for (const i of [0, 1, 5, 6, 7]) content.fill(i + 1, i * BS, i * BS + 50 + i);
    content.fill(0xee, blocks * BS, blocks * BS + 100); // the partial last block
    const img = memoryImage(content, [
      { offset: 0, length: 2 * BS, data: true },
      { offset: 2 * BS, length: 2 * BS, data: false },
      { offset: 4 * BS, length: 4 * BS, data: true }, // block 4: allocated but all zeros
      { offset: 8 * BS, length: 2 * BS, data: false },
      { offset: 10 * BS, length: 100, data: true },
    ]);
    const seen = await collect(img);
    expect(seen.map((b) => [b.index, b.zero, b.length])).toEqual([
      [0, false, BS],
      [1, false, BS],
      [2, true, BS],
      [3, true, BS],
      [4, true, BS],
      [5, false, BS],
      [6, false, BS],
      [7, false, BS],
      [8, true, BS],
      [9, true, BS],
      [10, false, 100],
    ]);
    for (const b of seen.filter((x) => x.zero)) expect(b.digest).toEqual(zeroDigestOf(BS));
    // A seed: every data block changed (from the zero block), no zero block did; without a transport none is sent.
    expect(seen.filter((b) => b.changed).map((b) => b.index)).toEqual([0, 1, 5, 6, 7, 10]);
    expect(seen.some((b) => b.sending)).toBe(false);
    for (const b of seen.filter((x) => !x.zero)) {
      const padded = Buffer.alloc(BS);
      content.copy(padded, 0, b.offset, b.offset + b.length);
      expect(b.digest).toEqual(sha(padded));
    }
    // Chunks of 4 blocks: blocks 0-1 are one read, 4-7 one read, the partial last block one; the unallocated blocks
    // 2, 3, 8 and 9 are never read (the chunks load concurrently, so the allocation map must still be walked in order).
    expect(img.reads).toEqual([
      [0, 2 * BS],
      [4 * BS, 4 * BS],
      [10 * BS, 100],
    ]);
  });

  it('compares with the parent run: unchanged blocks are not changed, a block that became zero is, blocks already sent are not sent again', async () => {
    // Blocks 24-27 are past the parent's end too (the disk grew) and hold zeros: unallocated 24-25, zeros read 26-27.
    const blocks = 28;
    const content = Buffer.alloc(blocks * BS);
    for (let i = 0; i < 24; i++) if (i !== 9) content.fill((i % 250) + 1, i * BS, (i + 1) * BS);
    const img = memoryImage(content, [
      { offset: 0, length: 12 * BS, data: true },
      { offset: 12 * BS, length: 4 * BS, data: false }, // blocks 12-15 unallocated
      { offset: 16 * BS, length: 8 * BS, data: true },
      { offset: 24 * BS, length: 2 * BS, data: false },
      { offset: 26 * BS, length: 2 * BS, data: true },
    ]);
    // The parent: the same content, except block 3 (now different), block 9 (had data, now zeros), block 13 (had
    // data, now unallocated) and block 20 (was zero); and 22 blocks only (blocks 22-23 are new).
    const parent = Buffer.alloc(22 * 32);
    for (let i = 0; i < 22; i++) {
      const b = Buffer.alloc(BS);
      content.copy(b, 0, i * BS, (i + 1) * BS);
      if (i === 3 || i === 9 || i === 13) b.fill(0xab);
      if (i === 20 || i === 12 || i === 14 || i === 15) b.fill(0); // unallocated or zero then too
      sha(b).copy(parent, i * 32);
    }
    const seen = await collect(img, { parent: { digests: parent, blockCount: 22 }, done: new Set([3]) });
    expect(seen.map((b) => b.index)).toEqual([...Array(blocks).keys()]);
    expect(seen.filter((b) => b.changed).map((b) => b.index)).toEqual([3, 9, 13, 20, 22, 23]);
    expect(seen.filter((b) => b.zero).map((b) => b.index)).toEqual([9, 12, 13, 14, 15, 24, 25, 26, 27]);
    for (const b of seen.filter((x) => !x.zero)) expect(b.digest).toEqual(sha(content.subarray(b.offset, b.offset + BS)));
    // Nothing is sent without a transport (and block 3 was sent before: it is changed, not sending).
    expect(seen.some((b) => b.sending)).toBe(false);
  });

  it('takes an unchanged block\'s SHA-256 from the parent when its XXH3-128 matches the parent\'s, and SHA-256s the others', async () => {
    const blocks = 12;
    const content = Buffer.alloc(blocks * BS);
    for (let i = 0; i < blocks; i++) if (i % 3 !== 2) content.fill(i + 1, i * BS, i * BS + 100 + i);
    const img = memoryImage(content, [{ offset: 0, length: content.length, data: true }]);
    const first = await collect(img);
    // Every data block has a distinct XXH3-128 (16 bytes); a zero block has none (16 zero bytes).
    const data = first.filter((b) => !b.zero);
    expect(new Set(data.map((b) => b.fast.toString('hex'))).size).toBe(data.length);
    for (const b of first.filter((x) => x.zero)) expect(b.fast).toEqual(Buffer.alloc(16));
    const fast = Buffer.concat(first.map((b) => b.fast));
    // A parent manifest whose SHA-256s are marked (0x5a…) where its XXH3-128s are kept: a block whose XXH3-128
    // matches takes the parent's SHA-256 (it is not computed), so it is unchanged and carries the marked digest.
    const marked = Buffer.alloc(blocks * 32);
    for (const b of first) (b.zero ? b.digest : Buffer.alloc(32, 0x5a)).copy(marked, b.index * 32);
    // Block 4 changes; block 6 becomes zero; block 8 (zero before) gets data.
    content.fill(0x77, 4 * BS, 4 * BS + 10);
    content.fill(0, 6 * BS, 7 * BS);
    content.fill(0x66, 8 * BS, 8 * BS + 10);
    const next = await collect(img, { parent: { digests: marked, blockCount: blocks, fast } });
    expect(next.filter((b) => b.changed).map((b) => b.index)).toEqual([4, 6, 8]);
    for (const b of next) {
      if (b.zero) expect(b.digest).toEqual(zeroDigestOf(BS));
      else if (b.changed) expect(b.digest).toEqual(sha(content.subarray(b.offset, b.offset + BS)));
      else expect(b.digest).toEqual(Buffer.alloc(32, 0x5a));
    }
    // Without XXH3-128s (a manifest of format 1) every data block is SHA-256'd: all differ from the marked digests.
    const v1 = await collect(img, { parent: { digests: marked, blockCount: blocks } });
    // (and block 6, which held data in the parent and is zero now).
    expect(v1.filter((b) => b.changed).map((b) => b.index)).toEqual(v1.filter((b) => !b.zero || b.index === 6).map((b) => b.index));
    for (const b of v1.filter((x) => !x.zero)) expect(b.digest).toEqual(sha(content.subarray(b.offset, b.offset + BS)));
  });

  it('a read that fails reaches the caller as the reader\'s typed error', async () => {
    const content = Buffer.alloc(16 * BS, 1);
    const img = memoryImage(content, [{ offset: 0, length: content.length, data: true }], 9 * BS);
    await expect(collect(img)).rejects.toThrow(DiskImageError);
  });
});
