import { open, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileDataRanges, parseRanges, type DataRanges } from '../../../../main/platform/file-data-ranges';
import { openDiskImage } from '../../../../main/replication/disk-image';
import { tempDir } from '../../../helpers/temp-dir';

const MiB = 1024 * 1024;
let dir = '';

beforeAll(async () => {
  dir = await tempDir('mwb-holes-');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A sparse file of `size` bytes with `writes` ([offset, bytes]) written and the rest never written (holes). */
async function sparse(name: string, size: number, writes: Array<[number, Buffer]>, opts: { sync?: boolean } = {}): Promise<string> {
  const file = path.join(dir, name);
  const fh = await open(file, 'w');
  try {
    for (const [at, data] of writes) await fh.write(data, 0, data.length, at);
    await fh.truncate(size);
    if (opts.sync !== false) await fh.sync();
  } finally {
    await fh.close();
  }
  return file;
}

const covered = (ranges: DataRanges, at: number, length: number) => ranges.some(([s, e]) => s <= at && at + length <= e);
/** Whether this file system keeps holes (tmpfs, ext4, xfs and btrfs do): else it answers "all data", which is safe. */
const hasHoles = async (file: string) => {
  const st = await stat(file);
  return st.blocks * 512 < st.size;
};

describe.runIf(process.platform === 'linux')('fileDataRanges: where a sparse file holds data (SEEK_DATA/SEEK_HOLE)', () => {
  it('covers every byte written and leaves the holes out, data at offset 0 included', async () => {
    const file = await sparse('a.raw', 8 * MiB, [
      [0, Buffer.alloc(4096, 1)],
      [MiB, Buffer.alloc(4096, 2)],
      [5 * MiB + 10, Buffer.alloc(100, 3)],
    ]);
    const ranges = await fileDataRanges(file, 8 * MiB);
    expect(ranges).toBeDefined();
    expect(covered(ranges!, 0, 4096)).toBe(true);
    expect(covered(ranges!, MiB, 4096)).toBe(true);
    expect(covered(ranges!, 5 * MiB + 10, 100)).toBe(true);
    if (await hasHoles(file)) {
      // The file system's blocks around the writes (4 KiB here), nothing in the holes between them.
      expect(ranges!.reduce((n, [s, e]) => n + e - s, 0)).toBeLessThan(MiB);
      expect(covered(ranges!, 2 * MiB, 1)).toBe(false);
      expect(covered(ranges!, 8 * MiB - 1, 1)).toBe(false);
    }
  });

  it('reports data written a moment ago and not yet flushed to the disk', async () => {
    const file = await sparse('unsynced.raw', 4 * MiB, [[3 * MiB, Buffer.alloc(65536, 7)]], { sync: false });
    const ranges = await fileDataRanges(file, 4 * MiB);
    expect(covered(ranges!, 3 * MiB, 65536)).toBe(true);
  });

  it('a file of holes only has no ranges, and a raw image of it reads as zeros with no data extents', async () => {
    const file = await sparse('empty.raw', 2 * MiB, []);
    if (!(await hasHoles(file))) return;
    expect(await fileDataRanges(file, 2 * MiB)).toEqual([]);
    const image = await openDiskImage(file);
    try {
      const extents = [];
      for await (const e of image.extents()) extents.push(e);
      expect(extents.every((e) => !e.data)).toBe(true);
      expect((await image.read(MiB - 5, 10)).equals(Buffer.alloc(10))).toBe(true);
    } finally {
      await image.close();
    }
  });

  it('a raw image reads the same bytes through its holes as the whole file, across range edges', async () => {
    const a = Buffer.alloc(300_000, 0x41);
    const b = Buffer.alloc(70_000, 0x42);
    const file = await sparse('edges.raw', 3 * MiB, [
      [100_000, a],
      [2 * MiB - 1000, b],
    ]);
    const whole = Buffer.alloc(3 * MiB);
    a.copy(whole, 100_000);
    b.copy(whole, 2 * MiB - 1000);
    const image = await openDiskImage(file);
    try {
      expect((await image.read(0, 3 * MiB)).equals(whole)).toBe(true);
      for (const [o, n] of [
        [99_999, 2],
        [399_999, 5000],
        [2 * MiB - 1001, 70_002],
        [3 * MiB - 10, 10],
      ] as const) {
        expect((await image.read(o, n)).equals(whole.subarray(o, o + n)), `@${o}`).toBe(true);
      }
    } finally {
      await image.close();
    }
  });

  it('any doubt means undefined (the whole file is read): no perl, a file of another size than opened, too many ranges', async () => {
    const file = await sparse('doubt.raw', 4 * MiB, [
      [0, Buffer.alloc(4096, 1)],
      [2 * MiB, Buffer.alloc(4096, 1)],
    ]);
    expect(await fileDataRanges(file, 4 * MiB, { command: path.join(dir, 'no-such-perl') })).toBeUndefined();
    expect(await fileDataRanges(file, 4 * MiB + 1)).toBeUndefined();
    if (await hasHoles(file)) expect(await fileDataRanges(file, 4 * MiB, { maxRanges: 1 })).toBeUndefined();
    expect(await fileDataRanges(path.join(dir, 'missing.raw'), 10)).toBeUndefined();
    await writeFile(path.join(dir, 'plain.raw'), Buffer.alloc(10, 1));
    expect(await fileDataRanges(path.join(dir, 'plain.raw'), 10)).toEqual([[0, 10]]);
  });
});

describe('parseRanges: only exactly what the helper prints for that size', () => {
  it('reads ascending ranges inside the file', () => {
    expect(parseRanges('100\n0 10\n20 100\n', 100)).toEqual([
      [0, 10],
      [20, 100],
    ]);
    expect(parseRanges('0\n', 0)).toEqual([]);
  });

  it.each([
    ['another size', '99\n0 10\n'],
    ['cut off (no final newline)', '100\n0 10'],
    ['overlapping', '100\n0 30\n20 40\n'],
    ['descending', '100\n50 60\n0 10\n'],
    ['empty range', '100\n10 10\n'],
    ['past the end', '100\n90 101\n'],
    ['not numbers', '100\n0 but true 10\n'],
    ['negative', '100\n-1 10\n'],
    ['nothing', ''],
  ])('refuses %s', (_, out) => {
    expect(parseRanges(out, 100)).toBeUndefined();
  });

  it('refuses more ranges than asked for', () => {
    expect(parseRanges('100\n0 10\n20 30\n', 100, 1)).toBeUndefined();
  });
});
