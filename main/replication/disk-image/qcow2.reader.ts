import { constants, inflateRawSync } from 'node:zlib';
import { readAt, type ByteSource } from './byte-source';
import { DiskImageError, fail, MAX_BYTES, u64 } from './errors';
import { LruCache, MappedImage, MAX_TABLE_BYTES, type Run } from './mapped-image';
import type { OpenContext } from './open-context';
import type { DiskImageFormat } from './types';

/*
 * qcow2 versions 2 and 3 (qemu docs/interop/qcow2.txt): L1 → L2 → host clusters, zero clusters (v3), deflate-
 * compressed clusters, extended L2 entries (32 subclusters with allocation/zero bitmaps) and backing files.
 * Refused with a typed error: encryption, external data files, unknown incompatible features; zstd-compressed
 * clusters fail when read (Node 20 has no zstd).
 */

const L1_MASK_HI = 0x00ffffff; // bits 32..55 of an L1/L2 offset
const OFFSET_MASK_LO = 0xfffffe00; // bits 9..31
const EXT_BACKING_FORMAT = 0xe2792aca;
const INCOMPAT_EXTERNAL_DATA = 1 << 2;
const INCOMPAT_COMPRESSION_TYPE = 1 << 3;
const INCOMPAT_EXTENDED_L2 = 1 << 4;
const INCOMPAT_KNOWN = 0x1f;

function hostOffset(hi: number, lo: number): number {
  return (hi & L1_MASK_HI) * 2 ** 32 + ((lo & OFFSET_MASK_LO) >>> 0);
}

export class Qcow2Image extends MappedImage {
  readonly format: DiskImageFormat = 'qcow2';
  readonly variant: string;
  readonly path: string;
  private readonly clusterSize: number;
  private readonly l2Entries: number;
  private readonly l2Cache: LruCache<Buffer>;
  private readonly unitCache = new LruCache<Buffer>(4);

  private constructor(
    private readonly src: ByteSource,
    readonly size: number,
    private readonly clusterBits: number,
    private readonly l1: Buffer,
    private readonly extendedL2: boolean,
    private readonly zstd: boolean,
    private readonly version: number,
  ) {
    super();
    this.path = src.path;
    this.variant = `v${version}`;
    this.clusterSize = 2 ** clusterBits;
    this.l2Entries = this.clusterSize / (extendedL2 ? 16 : 8);
    this.l2Cache = new LruCache(Math.max(4, Math.floor((32 * 1024 * 1024) / this.clusterSize)));
  }

  static async open(src: ByteSource, ctx: OpenContext): Promise<Qcow2Image> {
    if (src.size < 72) fail('truncated', 'the qcow2 header is incomplete');
    const h = await readAt(src, 0, Math.min(src.size, 4096), 'qcow2 header');
    if (h.readUInt32BE(0) !== 0x514649fb) fail('unsupported-format', 'not a qcow2 image');
    const version = h.readUInt32BE(4);
    if (version !== 2 && version !== 3) fail('unsupported-feature', `qcow2 version ${version} is not supported`);
    const backingOffset = u64(h, 8, 'backing file offset', false);
    const backingSize = h.readUInt32BE(16);
    const clusterBits = h.readUInt32BE(20);
    if (clusterBits < 9 || clusterBits > 21) fail('corrupt-header', 'the qcow2 cluster size is out of range');
    const size = u64(h, 24, 'virtual size', false);
    if (h.readUInt32BE(32) !== 0) fail('unsupported-feature', 'encrypted qcow2 images are not supported');
    const l1Size = h.readUInt32BE(36);
    const l1Offset = u64(h, 40, 'L1 table offset', false);
    let headerLength = 72;
    let extendedL2 = false;
    let zstd = false;
    if (version === 3) {
      if (h.length < 104) fail('truncated', 'the qcow2 v3 header is incomplete');
      const incompatHi = h.readUInt32BE(72);
      const incompat = h.readUInt32BE(76);
      if (incompatHi !== 0 || (incompat & ~INCOMPAT_KNOWN) !== 0) fail('unsupported-feature', 'the qcow2 image uses features this reader does not know');
      if (incompat & INCOMPAT_EXTERNAL_DATA) fail('unsupported-feature', 'qcow2 external data files are not supported');
      extendedL2 = (incompat & INCOMPAT_EXTENDED_L2) !== 0;
      headerLength = h.readUInt32BE(100);
      if (headerLength < 104 || headerLength > h.length) fail('corrupt-header', 'the qcow2 header length is out of range');
      if (incompat & INCOMPAT_COMPRESSION_TYPE) {
        if (headerLength < 105) fail('corrupt-header', 'the qcow2 compression type is missing');
        const type = h[104]!;
        if (type > 1) fail('unsupported-feature', 'the qcow2 compression type is unknown');
        zstd = type === 1;
      }
      if (extendedL2 && clusterBits < 14) fail('corrupt-header', 'extended L2 entries need clusters of 16 KiB or more');
    }
    const clusterSize = 2 ** clusterBits;
    const l2Entries = clusterSize / (extendedL2 ? 16 : 8);
    const needL1 = Math.ceil(size / (clusterSize * l2Entries));
    if (l1Size < needL1) fail('corrupt-header', 'the qcow2 L1 table is too small for the disk size');
    if (l1Size * 8 > MAX_TABLE_BYTES) fail('corrupt-header', 'the qcow2 L1 table is too large');
    if (l1Offset % clusterSize !== 0 && needL1 > 0) fail('corrupt-header', 'the qcow2 L1 table is not cluster-aligned');
    const l1 = needL1 === 0 ? Buffer.alloc(0) : await readAt(src, l1Offset, needL1 * 8, 'qcow2 L1 table');

    // Header extensions: only the backing format name matters for reading.
    let backingFormat: DiskImageFormat | undefined;
    let at = headerLength;
    for (let i = 0; i < 64 && at + 8 <= h.length; i++) {
      const type = h.readUInt32BE(at);
      const len = h.readUInt32BE(at + 4);
      if (type === 0) break;
      if (at + 8 + len > h.length) fail('corrupt-header', 'a qcow2 header extension runs past the header');
      if (type === EXT_BACKING_FORMAT) backingFormat = formatName(h.subarray(at + 8, at + 8 + len).toString('latin1'));
      at += 8 + Math.ceil(len / 8) * 8;
    }

    const image = new Qcow2Image(src, size, clusterBits, l1, extendedL2, zstd, version);
    if (backingOffset !== 0) {
      if (backingSize === 0 || backingSize > 1023) fail('corrupt-header', 'the qcow2 backing file name has an invalid length');
      const name = (await readAt(src, backingOffset, backingSize, 'qcow2 backing file name')).toString('utf8');
      if (name.includes('\0')) fail('corrupt-header', 'the qcow2 backing file name is malformed');
      image.backing = await ctx.openBacking(name, backingFormat);
    }
    return image;
  }

  protected async map(offset: number, maxLength: number): Promise<Run> {
    const cs = this.clusterSize;
    const cluster = Math.floor(offset / cs);
    const l1i = Math.floor(cluster / this.l2Entries);
    let l2i = cluster % this.l2Entries;
    const l1hi = this.l1.readUInt32BE(l1i * 8);
    const l1lo = this.l1.readUInt32BE(l1i * 8 + 4);
    const l2Offset = hostOffset(l1hi, l1lo);
    const tableEnd = (l1i + 1) * this.l2Entries * cs;
    const limit = Math.min(offset + maxLength, tableEnd);
    if (l2Offset === 0) return { kind: 'backing', length: limit - offset };
    if (l2Offset % cs !== 0) fail('corrupt-header', 'a qcow2 L2 table offset is not cluster-aligned');
    const l2 = await this.l2Cache.get(l2Offset, () => readAt(this.src, l2Offset, cs, 'qcow2 L2 table'));

    // Classify the first (sub)cluster, then extend the run while the next ones continue it.
    const first = this.classify(l2, l2i, offset);
    if (first.kind === 'decoded') return { ...first, length: Math.min(first.length, maxLength) };
    let end = first.end;
    while (end < limit) {
      l2i = Math.floor(end / cs) % this.l2Entries;
      const next = this.classify(l2, l2i, end);
      if (next.kind !== first.kind) break;
      if (next.kind === 'data' && first.kind === 'data' && next.position !== first.position + (end - offset)) break;
      end = next.end;
    }
    const length = Math.min(end, limit) - offset;
    if (first.kind === 'data') return { kind: 'data', length, source: this.src, position: first.position };
    return { kind: first.kind, length };
  }

  /** The state at `offset` up to the end of its cluster (or subcluster). */
  private classify(
    l2: Buffer,
    l2i: number,
    offset: number,
  ): { kind: 'zero' | 'backing'; end: number } | { kind: 'data'; end: number; position: number } | ({ kind: 'decoded'; length: number; load: () => Promise<Buffer>; at: number }) {
    const cs = this.clusterSize;
    const step = this.extendedL2 ? 16 : 8;
    const hi = l2.readUInt32BE(l2i * step);
    const lo = l2.readUInt32BE(l2i * step + 4);
    const clusterStart = Math.floor(offset / cs) * cs;
    const inCluster = offset - clusterStart;
    if (hi & 0x40000000) return this.compressed(l2, l2i * step, clusterStart, inCluster);
    const host = hostOffset(hi, lo);
    if (host % cs !== 0) fail('corrupt-header', 'a qcow2 data cluster is not cluster-aligned');
    if (!this.extendedL2) {
      const end = clusterStart + cs;
      if (this.version >= 3 && lo & 1) return { kind: 'zero', end };
      if (host === 0) return { kind: 'backing', end };
      return { kind: 'data', end, position: host + inCluster };
    }
    const sub = cs / 32;
    const sc = Math.floor(inCluster / sub);
    const alloc = l2.readUInt32BE(l2i * 16 + 12);
    const zero = l2.readUInt32BE(l2i * 16 + 8);
    const a = (alloc >>> sc) & 1;
    const z = (zero >>> sc) & 1;
    const end = clusterStart + (sc + 1) * sub;
    if (a && z) fail('corrupt-header', 'a qcow2 subcluster is marked both allocated and zero');
    if (z) return { kind: 'zero', end };
    if (!a) return { kind: 'backing', end };
    if (host === 0) fail('corrupt-header', 'a qcow2 subcluster is allocated in a cluster without data');
    return { kind: 'data', end, position: host + inCluster };
  }

  private compressed(l2: Buffer, at: number, clusterStart: number, inCluster: number) {
    const cs = this.clusterSize;
    const entry = l2.readBigUInt64BE(at) & ((1n << 62n) - 1n);
    const x = BigInt(62 - (this.clusterBits - 8));
    const position = Number(entry & ((1n << x) - 1n));
    const sectors = Number(entry >> x) + 1;
    const length = sectors * 512 - (position % 512);
    if (position > MAX_BYTES) fail('corrupt-header', 'a qcow2 compressed cluster offset is out of range');
    const load = () =>
      this.unitCache.get(position, async () => {
        if (this.zstd) fail('compressed-unsupported', 'zstd-compressed qcow2 clusters are not supported');
        if (position >= this.src.size) fail('out-of-bounds', 'a qcow2 compressed cluster points past the end of the file');
        const data = await readAt(this.src, position, Math.min(length, this.src.size - position), 'qcow2 compressed cluster');
        let out: Buffer;
        try {
          out = inflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: cs });
        } catch {
          throw new DiskImageError('corrupt-header', 'a qcow2 compressed cluster does not decompress');
        }
        if (out.length !== cs) fail('corrupt-header', 'a qcow2 compressed cluster decompresses to the wrong size');
        return out;
      });
    return { kind: 'decoded' as const, length: cs - inCluster, load, at: inCluster };
  }
}

export function formatName(name: string): DiskImageFormat | undefined {
  switch (name) {
    case 'raw':
    case 'qcow2':
    case 'vmdk':
    case 'vhdx':
      return name;
    case 'vpc':
      return 'vhd';
    default:
      return undefined;
  }
}
