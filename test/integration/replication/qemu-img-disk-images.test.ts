import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { makeDifferencingVhd, makePeerImages, mergeRuns, qemuImg, qemuIo, qemuMap, qemuRawSha256, run, sha256File, type MapEntry } from '../../helpers/disk-images';
import { DiskImageError, hashDiskImage, openDiskImage, type DiskImage, type DiskImageFormat } from '../../../main/replication/disk-image';
import { crc32c } from '../../../main/replication/disk-image/vhdx.reader';

/*
 * The readers against qemu-img 7.2, the reference implementation: for every image the SHA-256 of our logical content
 * equals that of `qemu-img convert -O raw`, and our allocation map equals `qemu-img map --output=json` where qemu
 * reports a meaningful one. Images are made here with qemu-img/qemu-io (and ../shared/peers/make-disk-images.sh).
 */
let dir = '';
const f = (name: string) => path.join(dir, name);
const MiB = 1024 * 1024;

async function ours(image: DiskImage): Promise<MapEntry[]> {
  const runs: MapEntry[] = [];
  for await (const e of image.extents()) runs.push({ ...e });
  return mergeRuns(runs);
}

async function check(name: string, qemuFormat: string, opts: { format?: DiskImageFormat; map?: boolean; variant?: string } = {}) {
  const image = await openDiskImage(f(name), opts.format ? { format: opts.format } : {});
  try {
    const manifest = await hashDiskImage(image);
    expect(manifest.sha256, `${name} content`).toBe(await qemuRawSha256(f(name), qemuFormat, dir));
    if (opts.variant) expect(image.variant).toBe(opts.variant);
    const info = JSON.parse(await qemuImg('info', '-f', qemuFormat, '--output=json', f(name))) as { 'virtual-size': number };
    expect(image.size).toBe(info['virtual-size']);
    if (opts.map !== false) expect(await ours(image), `${name} map`).toEqual(await qemuMap(f(name), qemuFormat));
    return manifest;
  } finally {
    await image.close();
  }
}

async function expectCode(p: Promise<unknown>, code: string): Promise<DiskImageError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DiskImageError);
  expect((e as DiskImageError).code).toBe(code);
  return e as DiskImageError;
}

beforeAll(async () => {
  dir = await tempDir('mwb-disk-');
  await makePeerImages(dir, 32);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the images make-disk-images.sh makes', () => {
  it.each([
    ['disk.raw', 'raw', undefined, true, undefined],
    ['disk-sparse.vmdk', 'vmdk', undefined, true, 'monolithicSparse'],
    ['disk-stream.vmdk', 'vmdk', undefined, true, 'streamOptimized'],
    ['disk-dynamic.vhd', 'vpc', undefined, true, 'dynamic'],
    ['disk-fixed.vhd', 'vpc', 'vhd', false, 'fixed'],
    ['disk.vhdx', 'vhdx', undefined, false, 'dynamic'],
    ['disk.qcow2', 'qcow2', undefined, true, 'v3'],
  ] as const)('%s reads as qemu-img converts it', async (name, qemuFormat, format, map, variant) => {
    const m = await check(name, qemuFormat, { format, map, variant });
    expect(m.sha256).toBe((await readFile(f('SHA256'), 'utf8')).trim());
    // The pattern: data at 1 MiB, 10 MiB and the last 4 KiB: three 512 KiB blocks, all the rest zero.
    expect(m.dataBlocks).toBe(3);
    expect(m.blockCount).toBe(64);
  });

  it('probes each format by its magic numbers, the fixed VHD by its footer', async () => {
    const expected: Record<string, string> = { 'disk.raw': 'raw', 'disk-sparse.vmdk': 'vmdk', 'disk-stream.vmdk': 'vmdk', 'disk-dynamic.vhd': 'vhd', 'disk-fixed.vhd': 'vhd', 'disk.vhdx': 'vhdx', 'disk.qcow2': 'qcow2' };
    for (const [name, format] of Object.entries(expected)) {
      const image = await openDiskImage(f(name));
      expect(image.format, name).toBe(format);
      await image.close();
    }
  });

  it('the VHDX allocation map knows the unallocated blocks qemu-img reports as data', async () => {
    const image = await openDiskImage(f('disk.vhdx'));
    const map = await ours(image);
    await image.close();
    expect(map.some((e) => !e.data)).toBe(true);
    for (const at of [1 * MiB, 10 * MiB, 32 * MiB - 4096]) expect(map.find((e) => e.offset <= at && at < e.offset + e.length)?.data).toBe(true);
  });

  it('reads arbitrary ranges equal to the raw bytes', async () => {
    const raw = await readFile(f('disk.raw'));
    for (const name of ['disk-sparse.vmdk', 'disk-stream.vmdk', 'disk-dynamic.vhd', 'disk.vhdx', 'disk.qcow2']) {
      const image = await openDiskImage(f(name));
      for (const [o, n] of [[0, 1], [1 * MiB - 3, 70_000], [10 * MiB + 4095, 131_072], [32 * MiB - 5000, 5000]] as const) {
        expect((await image.read(o, n)).equals(raw.subarray(o, o + n)), `${name} @${o}`).toBe(true);
      }
      await expectCode(image.read(32 * MiB - 1, 2), 'read-past-end');
      await image.close();
    }
  });
});

describe('qcow2', () => {
  it('follows a backing chain (qcow2 over qcow2 over qcow2), zero clusters and partial clusters included', async () => {
    await qemuImg('create', '-q', '-f', 'qcow2', '-b', 'disk.qcow2', '-F', 'qcow2', f('mid.qcow2'));
    await qemuIo('qcow2', f('mid.qcow2'), 'write -q -P 0x11 2M 64k', 'write -q -P 0x12 10M 4k');
    await qemuImg('create', '-q', '-f', 'qcow2', '-b', 'mid.qcow2', '-F', 'qcow2', f('top.qcow2'), '48M');
    await qemuIo('qcow2', f('top.qcow2'), 'write -q -z 1M 64k', 'write -q -P 0x21 3M 1k', 'write -q -P 0x22 40M 128k');
    const m = await check('top.qcow2', 'qcow2');
    expect(m.size).toBe(48 * MiB);
    // Over a raw backing file both see the raw file's holes (SEEK_DATA, platform/file-data-ranges.ts).
    await qemuImg('create', '-q', '-f', 'qcow2', '-b', 'disk.raw', '-F', 'raw', f('over-raw.qcow2'));
    await qemuIo('qcow2', f('over-raw.qcow2'), 'write -q -P 0x13 2M 64k', 'write -q -z 10M 64k');
    await check('over-raw.qcow2', 'qcow2');
  });

  it('reads compressed clusters, v2 (compat 0.10), extended L2 subclusters and small/large clusters', async () => {
    const raw = Buffer.alloc(8 * MiB);
    randomBytes(MiB).copy(raw, 2 * MiB); // incompressible: stored uncompressed by qemu-img -c
    raw.fill(0x5a, 5 * MiB, 5 * MiB + 300_000);
    await writeFile(f('mixed.raw'), raw);
    await qemuImg('convert', '-c', '-f', 'raw', '-O', 'qcow2', f('mixed.raw'), f('compressed.qcow2'));
    await check('compressed.qcow2', 'qcow2');
    await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', '-o', 'compat=0.10', f('mixed.raw'), f('v2.qcow2'));
    await check('v2.qcow2', 'qcow2', { variant: 'v2' });
    await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=512', f('mixed.raw'), f('c512.qcow2'));
    await check('c512.qcow2', 'qcow2');
    await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', '-o', 'cluster_size=2M', f('mixed.raw'), f('c2m.qcow2'));
    await check('c2m.qcow2', 'qcow2');
    await qemuImg('create', '-q', '-f', 'qcow2', '-o', 'extended_l2=on', '-b', 'mixed.raw', '-F', 'raw', f('ext.qcow2'));
    await qemuIo('qcow2', f('ext.qcow2'), 'write -q -P 0x31 2052k 2k', 'write -q -z 5M 8k', 'write -q -P 0x32 7M 3k');
    await check('ext.qcow2', 'qcow2');
  });

  it('refuses loops, missing backing files and chains deeper than the limit with typed errors', async () => {
    await qemuImg('create', '-q', '-f', 'qcow2', f('loop-a.qcow2'), '4M');
    await qemuImg('create', '-q', '-f', 'qcow2', '-b', 'loop-a.qcow2', '-F', 'qcow2', f('loop-b.qcow2'));
    await qemuImg('rebase', '-u', '-f', 'qcow2', '-b', 'loop-b.qcow2', '-F', 'qcow2', f('loop-a.qcow2'));
    await expectCode(openDiskImage(f('loop-a.qcow2')), 'backing-loop');

    await qemuImg('create', '-q', '-f', 'qcow2', f('gone.qcow2'), '4M');
    await qemuImg('create', '-q', '-f', 'qcow2', '-b', 'gone.qcow2', '-F', 'qcow2', f('orphan.qcow2'));
    await rm(f('gone.qcow2'));
    await expectCode(openDiskImage(f('orphan.qcow2')), 'backing-missing');

    let prev = 'disk.qcow2';
    for (let i = 0; i < 4; i++) {
      await qemuImg('create', '-q', '-f', 'qcow2', '-b', prev, '-F', 'qcow2', f(`deep${i}.qcow2`));
      prev = `deep${i}.qcow2`;
    }
    await expectCode(openDiskImage(f('deep3.qcow2'), { maxChainDepth: 3 }), 'too-deep');
    const ok = await openDiskImage(f('deep3.qcow2'), { maxChainDepth: 4 });
    expect((await hashDiskImage(ok)).sha256).toBe((await readFile(f('SHA256'), 'utf8')).trim());
    await ok.close();

    await expectCode(openDiskImage(f('disk.qcow2'), { format: 'vhdx' }), 'unsupported-format');
    await expectCode(openDiskImage(f('nothing-here.qcow2')), 'not-found');
  });
});

describe('refusals with typed errors', () => {
  it('a qcow2 with zstd-compressed clusters opens, and reading a compressed cluster says compressed-unsupported', async () => {
    await qemuImg('convert', '-c', '-f', 'raw', '-O', 'qcow2', '-o', 'compression_type=zstd', f('disk.raw'), f('zstd.qcow2'));
    const image = await openDiskImage(f('zstd.qcow2'));
    expect((await image.read(0, 4096)).equals(Buffer.alloc(4096))).toBe(true); // unallocated: no decompression needed
    await expectCode(image.read(1 * MiB, 4096), 'compressed-unsupported');
    await expectCode(hashDiskImage(image), 'compressed-unsupported');
    await image.close();
  });

  it('a VHDX whose log still has to be replayed is refused, not read stale', async () => {
    const b = await readFile(f('disk.vhdx'));
    for (const at of [64 * 1024, 128 * 1024]) {
      const h = b.subarray(at, at + 4096);
      if (h.toString('latin1', 0, 4) !== 'head') continue;
      h.fill(0x42, 48, 64); // log GUID
      h.writeUInt32LE(crc32c(h, 4), 4);
    }
    await writeFile(f('dirty.vhdx'), b);
    await expectCode(openDiskImage(f('dirty.vhdx')), 'unsupported-feature');
  });
});

describe('VMDK', () => {
  it('reads monolithicFlat (descriptor + flat extent) and a snapshot child with a parent', async () => {
    await qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=monolithicFlat', f('disk.raw'), f('flat.vmdk'));
    await check('flat.vmdk', 'vmdk', { map: false, variant: 'monolithicFlat' });
    await qemuImg('create', '-q', '-f', 'vmdk', '-b', 'disk-sparse.vmdk', '-F', 'vmdk', f('child.vmdk'));
    await qemuIo('vmdk', f('child.vmdk'), 'write -q -P 0x41 4M 64k', 'write -q -P 0x42 1M 4k');
    await check('child.vmdk', 'vmdk');
  });

  it('reads qemu-img\'s split VMDKs (twoGbMaxExtentSparse, twoGbMaxExtentFlat) across the 2 GiB extent boundary', async () => {
    // Hashing 2 GiB of zeros twice is too slow for a test run: the maps are compared whole, the data where it was written.
    const writes = ['write -q -P 0x51 1M 64k', 'write -q -P 0x52 2047M 2M', 'write -q -P 0x53 2099M 1M'];
    const probes: Array<[number, number, number]> = [[1 * MiB, 64 * 1024, 0x51], [2047 * MiB, 2 * MiB, 0x52], [2099 * MiB, MiB, 0x53], [2049 * MiB, MiB, 0]];
    for (const sub of ['twoGbMaxExtentSparse', 'twoGbMaxExtentFlat']) {
      const name = `split-${sub}.vmdk`;
      await qemuImg('create', '-q', '-f', 'vmdk', '-o', `subformat=${sub}`, f(name), '2100M');
      await qemuIo('vmdk', f(name), ...writes);
      const image = await openDiskImage(f(name));
      expect(image.variant).toBe(sub);
      expect(image.size).toBe(2100 * MiB);
      if (sub === 'twoGbMaxExtentSparse') expect(await ours(image)).toEqual(await qemuMap(f(name), 'vmdk'));
      for (const [o, n, byte] of probes) expect((await image.read(o, n)).equals(Buffer.alloc(n, byte)), `${sub} @${o}`).toBe(true);
      await image.close();
    }
  }, 120_000);

  it('reads a split descriptor mixing sparse and flat extents exactly as qemu-img does', async () => {
    await qemuImg('create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicSparse', f('part-s001.vmdk'), '8M');
    await qemuIo('vmdk', f('part-s001.vmdk'), 'write -q -P 0x61 0 64k', 'write -q -P 0x62 8128k 64k');
    await writeFile(f('part-f002.vmdk'), Buffer.alloc(4 * MiB + 512, 0x63));
    await qemuImg('create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicSparse', f('part-s003.vmdk'), '8M');
    await qemuIo('vmdk', f('part-s003.vmdk'), 'write -q -P 0x64 4M 1M');
    const sectors = (bytes: number) => bytes / 512;
    await writeFile(
      f('parts.vmdk'),
      [
        '# Disk DescriptorFile',
        'version=1',
        'CID=12345678',
        'parentCID=ffffffff',
        'createType="twoGbMaxExtentSparse"',
        '',
        '# Extent description',
        `RW ${sectors(8 * MiB)} SPARSE "part-s001.vmdk"`,
        `RW ${sectors(4 * MiB)} FLAT "part-f002.vmdk" 1`,
        `RW ${sectors(8 * MiB)} SPARSE "part-s003.vmdk"`,
        '',
        'ddb.virtualHWVersion = "4"',
        '',
      ].join('\n'),
    );
    await check('parts.vmdk', 'vmdk', { map: false, variant: 'twoGbMaxExtentSparse' });
    const image = await openDiskImage(f('parts.vmdk'));
    const map = await ours(image);
    await image.close();
    expect(map.filter((e) => e.data).map((e) => [e.offset / MiB, e.length / 1024])).toEqual([
      [0, 64],
      [8128 / 1024, 64 + 4096],
      [16, 1024],
    ]);
  });

  it('reads ZERO extents as the VMware spec says (qemu-img 7.2 skips extent lines without a file name)', async () => {
    await writeFile(f('with-zero.vmdk'), ['# Disk DescriptorFile', 'version=1', 'createType="monolithicFlat"', 'RW 4096 ZERO', 'RW 8192 FLAT "part-f002.vmdk" 0', ''].join('\n'));
    const image = await openDiskImage(f('with-zero.vmdk'));
    expect(image.size).toBe(6 * MiB);
    expect(await ours(image)).toEqual([
      { offset: 0, length: 2 * MiB, data: false },
      { offset: 2 * MiB, length: 4 * MiB, data: true },
    ]);
    expect((await image.read(2 * MiB - 2, 4)).equals(Buffer.from([0, 0, 0x63, 0x63]))).toBe(true);
    await image.close();
  });

  it('refuses a descriptor whose extent file lies outside its folder, or is missing', async () => {
    await writeFile(f('escape.vmdk'), '# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\nRW 2048 FLAT "../../etc/passwd" 0\n');
    await expectCode(openDiskImage(f('escape.vmdk')), 'unsupported-feature');
    await writeFile(f('missing.vmdk'), '# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\nRW 2048 FLAT "missing-flat.vmdk" 0\n');
    await expectCode(openDiskImage(f('missing.vmdk')), 'not-found');
  });
});

describe('VHD differencing', () => {
  it('overlays the child on its parent sector by sector, finding the parent through the W2ru locator', async () => {
    const base = await readFile(f('disk.raw'));
    const child = Buffer.alloc(base.length);
    child.fill(0x61, 4 * MiB, 4 * MiB + 100_000);
    child.fill(0x62, 10 * MiB + 8192, 10 * MiB + 8192 + 4096);
    await writeFile(f('child.raw'), child);
    await qemuImg('convert', '-f', 'raw', '-O', 'vpc', '-o', 'subformat=dynamic,force_size=on', f('child.raw'), f('diff.vhd'));
    const parentUuid = (await readFile(f('disk-dynamic.vhd'))).subarray(68, 84);
    // Block 2 (4 MiB): sectors 0-15 show the parent (zeros there); block 5 (10 MiB): sectors 0-7 show the parent's 0xcd.
    await makeDifferencingVhd(f('diff.vhd'), 'disk-dynamic.vhd', parentUuid, [
      { block: 2, sectors: [...Array(16).keys()] },
      { block: 5, sectors: [...Array(8).keys()] },
    ]);
    const expected = Buffer.from(base);
    const overlay = (from: number, to: number) => child.copy(expected, from, from, to);
    overlay(4 * MiB + 16 * 512, 6 * MiB); // block 2 minus its first 16 sectors
    overlay(10 * MiB + 8 * 512, 12 * MiB); // block 5 minus its first 8 sectors
    const image = await openDiskImage(f('diff.vhd'));
    expect(image.variant).toBe('differencing');
    const m = await hashDiskImage(image);
    await writeFile(f('diff-expected.raw'), expected);
    expect(m.sha256).toBe(await sha256File(f('diff-expected.raw')));
    await image.close();

    await copyFile(f('diff.vhd'), f('diff-orphan.vhd'));
    await makeDifferencingVhd(f('diff-orphan.vhd'), 'no-such-parent.vhd', parentUuid);
    await expectCode(openDiskImage(f('diff-orphan.vhd')), 'backing-missing');
    await copyFile(f('diff.vhd'), f('stranger.vhd'));
    await makeDifferencingVhd(f('stranger.vhd'), 'disk-dynamic.vhd', Buffer.alloc(16, 7));
    await expectCode(openDiskImage(f('stranger.vhd')), 'backing-mismatch');
    await copyFile(f('diff.vhd'), f('self.vhd'));
    await makeDifferencingVhd(f('self.vhd'), 'self.vhd', parentUuid);
    await expectCode(openDiskImage(f('self.vhd')), 'backing-loop');
  });
});

describe('OVA', () => {
  it('reads the streamOptimized VMDK inside an OVA in place, by default the first disk or by name', async () => {
    await writeFile(f('appliance.ovf'), '<?xml version="1.0"?><Envelope/>\n');
    await copyFile(f('disk-stream.vmdk'), f('appliance-disk1.vmdk'));
    await copyFile(f('disk-sparse.vmdk'), f('appliance-disk2.vmdk'));
    await run('tar', ['--format=ustar', '-cf', f('appliance.ova'), '-C', dir, 'appliance.ovf', 'appliance-disk1.vmdk', 'appliance-disk2.vmdk']);
    const want = (await readFile(f('SHA256'), 'utf8')).trim();
    for (const disk of [undefined, 'appliance-disk2.vmdk']) {
      const image = await openDiskImage(f('appliance.ova'), disk ? { disk } : {});
      expect(image.format).toBe('ova');
      expect(image.variant).toBe(disk ? 'monolithicSparse' : 'streamOptimized');
      expect((await hashDiskImage(image)).sha256).toBe(want);
      expect(await ours(image)).toEqual(await qemuMap(f('disk-stream.vmdk'), 'vmdk'));
      await image.close();
    }
    await expectCode(openDiskImage(f('appliance.ova'), { disk: 'nope.vmdk' }), 'not-found');
  });
});
