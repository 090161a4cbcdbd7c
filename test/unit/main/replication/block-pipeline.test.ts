import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { hashedChunks, type PipelineBlock, type PipelineChunk } from '../../../../main/replication/engine/block-pipeline';
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

async function collect(img: DiskImage, opts: { chunkBlocks?: number; keep?: number } = {}) {
  const out: Array<{ index: number; offset: number; length: number; zero: boolean; digest?: Buffer; data?: Buffer }> = [];
  for await (const chunk of hashedChunks(img, { blockSize: BS, chunkBlocks: opts.chunkBlocks ?? 4, keep: opts.keep ?? 2 })) {
    for (const b of chunk.blocks) {
      out.push({ index: b.index, offset: b.offset, length: b.length, zero: b.zero, ...(b.digest ? { digest: Buffer.from(b.digest) } : {}), ...(b.data ? { data: Buffer.from(b.data) } : {}) });
      chunk.release(b);
    }
    chunk.done();
  }
  return out;
}

describe('hashedChunks()', () => {
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
    for (const b of seen.filter((x) => !x.zero)) {
      const padded = Buffer.alloc(BS);
      content.copy(padded, 0, b.offset, b.offset + b.length);
      expect(b.data).toEqual(padded);
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

  it('reuses a chunk buffer only after every block of it was released, and keeps the buffers bounded', async () => {
    const blocks = 64;
    const content = Buffer.alloc(blocks * BS);
    for (let i = 0; i < blocks; i++) content.fill((i % 250) + 1, i * BS, (i + 1) * BS);
    const img = memoryImage(content, [{ offset: 0, length: content.length, data: true }]);
    // Keep some blocks "in flight" (not released) while later chunks arrive; their bytes must not change meanwhile.
    const held: Array<{ chunk: PipelineChunk; block: PipelineBlock; copy: Buffer }> = [];
    const buffers = new Set<ArrayBufferLike>();
    for await (const chunk of hashedChunks(img, { blockSize: BS, chunkBlocks: 4, readAhead: 2, keep: 3 })) {
      for (const b of chunk.blocks) {
        buffers.add(b.data!.buffer);
        if (b.index % 5 === 0 && held.length < 3) held.push({ chunk, block: b, copy: Buffer.from(b.data!) });
        else chunk.release(b);
      }
      chunk.done();
      for (const h of held) expect(h.block.data).toEqual(h.copy);
      if (held.length === 3) {
        for (const h of held.splice(0)) h.chunk.release(h.block);
      }
    }
    // readAhead + keep + 1 buffers at most.
    expect(buffers.size).toBeLessThanOrEqual(2 + 3 + 1);
    expect(buffers.size).toBeGreaterThan(0);
  });

  it('a read that fails reaches the caller as the reader\'s typed error', async () => {
    const content = Buffer.alloc(16 * BS, 1);
    const img = memoryImage(content, [{ offset: 0, length: content.length, data: true }], 9 * BS);
    await expect(collect(img)).rejects.toThrow(DiskImageError);
  });
});
