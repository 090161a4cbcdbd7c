import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import path from 'node:path';
import { tempDir } from '../../../helpers/temp-dir';
import { DiskImageError, hashDiskImage, openDiskImage, type DiskImageErrorCode } from '../../../../main/replication/disk-image';

/*
 * Hand-built images (no external programs) with one thing wrong at a time, each giving its typed error. The qcow2
 * builder writes 512-byte clusters: header, L1, one L2 table, then data clusters.
 */
let dir = '';
const f = (n: string) => path.join(dir, n);
const CS = 512;

interface Qcow2Spec {
  version?: number;
  clusterBits?: number;
  size?: number;
  l1Size?: number;
  l1Offset?: number;
  crypt?: number;
  incompatible?: number;
  backing?: string;
  /** L2 entries (as bigint) for the first guest clusters. */
  l2?: bigint[];
  /** Extra clusters appended after the L2 table (cluster 3 onwards). */
  data?: Buffer[];
}

function qcow2(spec: Qcow2Spec = {}): Buffer {
  const clusters = 3 + (spec.data?.length ?? 0);
  const b = Buffer.alloc(clusters * CS);
  b.writeUInt32BE(0x514649fb, 0);
  b.writeUInt32BE(spec.version ?? 3, 4);
  if (spec.backing !== undefined) {
    b.write(spec.backing, 400, 'utf8');
    b.writeBigUInt64BE(400n, 8);
    b.writeUInt32BE(Buffer.byteLength(spec.backing), 16);
  }
  b.writeUInt32BE(spec.clusterBits ?? 9, 20);
  b.writeBigUInt64BE(BigInt(spec.size ?? 64 * CS), 24);
  b.writeUInt32BE(spec.crypt ?? 0, 32);
  b.writeUInt32BE(spec.l1Size ?? 1, 36);
  b.writeBigUInt64BE(BigInt(spec.l1Offset ?? CS), 40);
  b.writeBigUInt64BE(BigInt(spec.incompatible ?? 0), 72);
  b.writeUInt32BE(104, 100);
  b.writeBigUInt64BE(BigInt(2 * CS), CS); // L1[0] → L2 at cluster 2
  (spec.l2 ?? []).forEach((e, i) => b.writeBigUInt64BE(e, 2 * CS + i * 8));
  (spec.data ?? []).forEach((d, i) => d.copy(b, (3 + i) * CS));
  return b;
}

async function code(name: string, content: Buffer, read = true): Promise<DiskImageErrorCode | 'ok'> {
  await writeFile(f(name), content);
  try {
    const img = await openDiskImage(f(name));
    try {
      if (read) await hashDiskImage(img, { blockSize: 4096 });
    } finally {
      await img.close();
    }
    return 'ok';
  } catch (e) {
    if (e instanceof DiskImageError) return e.code;
    throw e;
  }
}

beforeAll(async () => {
  dir = await tempDir('mwb-disk-unit-');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('qcow2 built by hand', () => {
  it('reads a valid image: data, zero and compressed clusters', async () => {
    const plain = Buffer.alloc(CS, 0x11);
    const packed = deflateRawSync(Buffer.alloc(CS, 0x22));
    const x = 62 - (9 - 8); // compressed offset bits for 512-byte clusters
    const compressed = (1n << 62n) | (BigInt(Math.ceil(packed.length / 512) - 1) << BigInt(x)) | BigInt(4 * CS);
    await writeFile(f('ok.qcow2'), qcow2({ l2: [BigInt(3 * CS), 1n, compressed], data: [plain, packed] }));
    const img = await openDiskImage(f('ok.qcow2'));
    expect(img.size).toBe(64 * CS);
    expect((await img.read(0, CS)).equals(plain)).toBe(true);
    expect((await img.read(CS, CS)).equals(Buffer.alloc(CS))).toBe(true);
    expect((await img.read(2 * CS, CS)).equals(Buffer.alloc(CS, 0x22))).toBe(true);
    const map = [];
    for await (const e of img.extents()) map.push([e.offset / CS, e.length / CS, e.data]);
    expect(map).toEqual([
      [0, 1, true],
      [1, 1, false],
      [2, 1, true],
      [3, 61, false],
    ]);
    await img.close();
  });

  it.each<[string, Qcow2Spec | Buffer, DiskImageErrorCode]>([
    ['a header cut short', qcow2().subarray(0, 60), 'truncated'],
    ['an unknown version', { version: 4 }, 'unsupported-feature'],
    ['a cluster size of 2^30', { clusterBits: 30 }, 'corrupt-header'],
    ['a virtual size beyond 1 PiB', { size: 2 ** 51 }, 'corrupt-header'],
    ['an L1 table too small for the size', { size: 64 * CS * 4, l1Size: 1 }, 'corrupt-header'],
    ['an L1 table of 4 GiB', { size: 2 ** 48, l1Size: 0x7fffffff }, 'corrupt-header'],
    ['an L1 table past the end of the file', { l1Offset: 1 << 20 }, 'out-of-bounds'],
    ['encryption', { crypt: 1 }, 'unsupported-feature'],
    ['an external data file', { incompatible: 4 }, 'unsupported-feature'],
    ['an unknown incompatible feature', { incompatible: 1 << 9 }, 'unsupported-feature'],
    ['a data cluster past the end of the file', { l2: [BigInt(1 << 20)] }, 'out-of-bounds'],
    ['a compressed cluster of garbage', { l2: [(1n << 62n) | BigInt(3 * CS)], data: [Buffer.alloc(CS, 0xff)] }, 'corrupt-header'],
    ['a compressed cluster past the end of the file', { l2: [(1n << 62n) | BigInt(1 << 30)] }, 'out-of-bounds'],
    ['a missing backing file', { backing: 'nowhere.qcow2' }, 'backing-missing'],
    ['a backing file that is itself', { backing: 'self.qcow2' }, 'backing-loop'],
    ['a network backing file', { backing: 'nbd://127.0.0.1:10809/x' }, 'unsupported-feature'],
  ])('refuses %s with a typed error', async (_label, spec, expected) => {
    const name = expected === 'backing-loop' ? 'self.qcow2' : 'bad.qcow2';
    expect(await code(name, Buffer.isBuffer(spec) ? spec : qcow2(spec))).toBe(expected);
  });

  it('refuses a backing chain that loops through two files', async () => {
    await writeFile(f('a.qcow2'), qcow2({ backing: 'b.qcow2' }));
    await writeFile(f('b.qcow2'), qcow2({ backing: 'a.qcow2' }));
    expect(await code('a.qcow2', qcow2({ backing: 'b.qcow2' }))).toBe('backing-loop');
  });

  it('refuses a chain deeper than the limit, and reads one within it', async () => {
    await writeFile(f('d0.qcow2'), qcow2({ l2: [BigInt(3 * CS)], data: [Buffer.alloc(CS, 5)] }));
    for (let i = 1; i <= 5; i++) await writeFile(f(`d${i}.qcow2`), qcow2({ backing: `d${i - 1}.qcow2` }));
    await expect(openDiskImage(f('d5.qcow2'), { maxChainDepth: 4 })).rejects.toMatchObject({ code: 'too-deep' });
    const img = await openDiskImage(f('d5.qcow2'), { maxChainDepth: 5 });
    expect((await img.read(0, 4)).equals(Buffer.alloc(4, 5))).toBe(true);
    await img.close();
  });
});

describe('probing and reading', () => {
  it('refuses formats it recognises but does not read, and opens anything else as raw', async () => {
    const vdi = Buffer.alloc(1024);
    vdi.writeUInt32LE(0xbeda107f, 0x40);
    expect(await code('x.vdi', vdi)).toBe('unsupported-format');
    const qed = Buffer.alloc(1024);
    qed.write('QFI\0', 0, 'latin1');
    expect(await code('x.qed', qed)).toBe('unsupported-format');
    expect(await code('x.bin', Buffer.alloc(4096, 1))).toBe('ok');
    const img = await openDiskImage(f('x.bin'));
    expect(img.format).toBe('raw');
    await expect(img.read(4000, 200)).rejects.toMatchObject({ code: 'read-past-end' });
    await expect(img.read(-1, 2)).rejects.toMatchObject({ code: 'read-past-end' });
    await img.close();
  });

  it('refuses a format it was told when the file is something else', async () => {
    await writeFile(f('plain.img'), Buffer.alloc(4096));
    await expect(openDiskImage(f('plain.img'), { format: 'qcow2' })).rejects.toMatchObject({ code: 'unsupported-format' });
    await expect(openDiskImage(f('does-not-exist.img'))).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses a VHD whose BAT points past the end, and a VMDK descriptor with unsupported extents', async () => {
    const footer = Buffer.alloc(512);
    footer.write('conectix', 0, 'latin1');
    footer.writeBigUInt64BE(512n, 16);
    footer.write('win ', 28, 'latin1');
    footer.writeBigUInt64BE(BigInt(4 << 20), 48);
    footer.writeUInt32BE(3, 60);
    const header = Buffer.alloc(1024);
    header.write('cxsparse', 0, 'latin1');
    header.writeBigUInt64BE(0xffffffffffffffffn, 8);
    header.writeBigUInt64BE(1536n, 16);
    header.writeUInt32BE(2, 28);
    header.writeUInt32BE(2 << 20, 32);
    const bat = Buffer.alloc(512, 0xff);
    bat.writeUInt32BE(0x00100000, 0); // block 0 at sector 1 Mi: far past the end
    expect(await code('bad.vhd', Buffer.concat([footer, header, bat, footer]))).toBe('out-of-bounds');
    expect(await code('sesparse.vmdk', Buffer.from('# Disk DescriptorFile\nversion=1\ncreateType="seSparse"\nRW 2048 SESPARSE "x-sesparse.vmdk"\n'))).toBe('unsupported-feature');
    expect(await code('empty.vmdk', Buffer.from('# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\n'))).toBe('corrupt-header');
  });
});
