import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { tempDir } from '../../helpers/temp-dir';
import { makeDifferencingVhd, qemuImg, qemuIo, run } from '../../helpers/disk-images';
import { DiskImageError, hashDiskImage, openDiskImage } from '../../../main/replication/disk-image';

/*
 * Hostile headers: qemu-img-made images with bytes of their headers, tables and footers overwritten (random bytes and
 * boundary values: 0, all-ones, offsets past the end). Every outcome is either a correct read or a DiskImageError;
 * never another exception, a hang or unbounded memory.
 */
let dir = '';
const f = (name: string) => path.join(dir, name);
const seeds: Record<string, Buffer> = {};
const MiB = 1024 * 1024;

beforeAll(async () => {
  dir = await tempDir('mwb-disk-fuzz-');
  await qemuImg('create', '-q', '-f', 'raw', f('seed.raw'), '4M');
  await qemuIo('raw', f('seed.raw'), 'write -q -P 0xab 64k 64k', 'write -q -P 0xcd 2M 128k', 'write -q -P 0xef 4092k 4k');
  const cv = (fmt: string, opts: string, out: string, extra: string[] = []) => qemuImg('convert', ...extra, '-f', 'raw', '-O', fmt, ...(opts ? ['-o', opts] : []), f('seed.raw'), f(out));
  await cv('qcow2', 'cluster_size=4096', 'seed.qcow2');
  await cv('qcow2', 'cluster_size=4096', 'seed-c.qcow2', ['-c']);
  await cv('qcow2', 'cluster_size=16384,extended_l2=on', 'seed-x.qcow2');
  await cv('vmdk', 'subformat=monolithicSparse', 'seed-sparse.vmdk');
  await cv('vmdk', 'subformat=streamOptimized', 'seed-stream.vmdk');
  await cv('vpc', 'subformat=dynamic,force_size=on', 'seed.vhd');
  await cv('vpc', 'subformat=dynamic,force_size=on', 'seed-diff.vhd');
  await makeDifferencingVhd(f('seed-diff.vhd'), 'seed.vhd', (await readFile(f('seed.vhd'))).subarray(68, 84));
  await cv('vhdx', '', 'seed.vhdx');
  await run('tar', ['--format=ustar', '-cf', f('seed.ova'), '-C', dir, 'seed-stream.vmdk']);
  await qemuImg('create', '-q', '-f', 'qcow2', '-b', 'seed.qcow2', '-F', 'qcow2', f('seed-top.qcow2'));
  await qemuIo('qcow2', f('seed-top.qcow2'), 'write -q -P 0x11 1M 8k');
  for (const name of ['seed.qcow2', 'seed-c.qcow2', 'seed-x.qcow2', 'seed-sparse.vmdk', 'seed-stream.vmdk', 'seed.vhd', 'seed-diff.vhd', 'seed.vhdx', 'seed.ova', 'seed-top.qcow2']) {
    seeds[name] = await readFile(f(name));
  }
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Sectors that hold structure: neither all zeros nor one repeated byte (the seed's data is pattern fills), so headers,
 * tables, grain markers, bitmaps, descriptors and footers. Mutations land there, where the parsers are.
 */
function structureSectors(b: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at + 512 <= b.length; at += 512) {
    const first = b[at]!;
    let uniform = true;
    for (let i = at + 1; i < at + 512; i++) {
      if (b[i] !== first) {
        uniform = false;
        break;
      }
    }
    if (!uniform) out.push(at);
  }
  return out;
}

/** A write of a few bytes (random, or boundary values: 0, all-ones, huge offsets, flag bits) inside a structure sector. */
const mutation = (sectors: number[]) =>
  fc.record({
    at: fc.tuple(fc.constantFrom(...sectors), fc.nat(511)).map(([s, o]) => s + o),
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      fc.constantFrom(
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0x7f, 0xff, 0xff, 0xff],
        [0, 0, 0, 0x40, 0, 0, 0, 0],
        [0x40, 0, 0, 0, 0, 0, 0, 0x01],
        [0, 0, 0, 0, 0, 0x10, 0, 0],
        [0x80, 0, 0, 0, 0, 0, 0x02, 0],
      ),
    ),
  });

/** Opens and reads the mutated file; returns the error code or 'ok'. */
async function exercise(file: string): Promise<string> {
  let image;
  try {
    image = await openDiskImage(file);
  } catch (e) {
    if (e instanceof DiskImageError) return e.code;
    throw e;
  }
  try {
    let n = 0;
    for await (const e of image.extents()) {
      expect(e.length).toBeGreaterThan(0);
      if (++n > 5000) break;
    }
    if (image.size <= 64 * MiB) await hashDiskImage(image);
    else for (const o of [0, Math.floor(image.size / 2), image.size - 65536]) await image.read(Math.max(0, o), Math.min(65536, image.size));
    return 'ok';
  } catch (e) {
    if (e instanceof DiskImageError) return e.code;
    throw e;
  } finally {
    await image.close();
  }
}

describe('hostile headers, fuzzed', () => {
  it.each(['seed.qcow2', 'seed-c.qcow2', 'seed-x.qcow2', 'seed-top.qcow2', 'seed-sparse.vmdk', 'seed-stream.vmdk', 'seed.vhd', 'seed-diff.vhd', 'seed.vhdx', 'seed.ova'])(
    '%s: any mutation reads correctly or fails with a typed error, in bounded memory',
    async (name) => {
      const seed = seeds[name]!;
      const target = f(`fuzz-${name}`);
      const codes = new Map<string, number>();
      const rssBefore = process.memoryUsage().rss;
      let peak = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation(structureSectors(seed)), { minLength: 1, maxLength: 4 }), async (muts) => {
          const b = Buffer.from(seed);
          for (const m of muts) Buffer.from(m.bytes).copy(b, m.at);
          await writeFile(target, b);
          const code = await exercise(target);
          codes.set(code, (codes.get(code) ?? 0) + 1);
          peak = Math.max(peak, process.memoryUsage().rss - rssBefore);
        }),
        { numRuns: 60, seed: 20261129, interruptAfterTimeLimit: 60_000 },
      );
      // The mutations must reach the parsers (not only fail at the magic number), and memory stays bounded.
      expect([...codes.keys()].filter((c) => c !== 'ok' && c !== 'unsupported-format').length).toBeGreaterThan(0);
      expect(peak).toBeLessThan(512 * MiB);
    },
    90_000,
  );

  it('the unmutated seeds all read (the fuzz starts from valid images)', async () => {
    for (const name of Object.keys(seeds)) {
      await copyFile(f(name), f(`plain-${name}`));
      expect(await exercise(f(name)), name).toBe('ok');
    }
  });

  it('error messages never quote the file: a backing file name stays out of the message', async () => {
    await qemuImg('create', '-q', '-f', 'qcow2', '-b', 'SECRET-token-abc123.qcow2', '-F', 'qcow2', '-u', f('leak.qcow2'), '4M');
    const err = await openDiskImage(f('leak.qcow2')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiskImageError);
    expect((err as DiskImageError).code).toBe('backing-missing');
    expect((err as Error).message).not.toMatch(/SECRET/);
  });
});
