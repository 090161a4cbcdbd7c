import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { FileSource, readAt, type ByteSource } from './byte-source';
import { DiskImageError, fail, MAX_BYTES, u64 } from './errors';
import { LruCache, MappedImage, MAX_TABLE_BYTES, type Run } from './mapped-image';
import type { OpenContext } from './open-context';
import type { DiskImageFormat } from './types';

/*
 * VMDK (VMware Virtual Disk Format 5.0): hosted sparse extents (monolithicSparse, twoGbMaxExtentSparse pieces,
 * streamOptimized with deflate-compressed grains and the grain directory in the footer), flat extents
 * (monolithicFlat, twoGbMaxExtentFlat, vmfs) and ZERO extents, described by a text descriptor that is either its own
 * file or embedded in a sparse file; snapshot chains through parentFileNameHint.
 */

const SECTOR = 512;
const GD_AT_END = 0xffffffffffffffffn;
const FLAG_ZERO_GRAIN = 1 << 2;
const FLAG_COMPRESSED = 1 << 16;
const MAX_DESCRIPTOR = 1024 * 1024;

export const VMDK_MAGIC = 0x564d444b; // "KDMV" read little-endian

/** One hosted sparse extent: header, grain directory, grain tables (cached), plain or compressed grains. */
class SparseExtent {
  private readonly gtCache = new LruCache<Buffer>(64);
  private readonly grainCache = new LruCache<Buffer>(4);
  private constructor(
    readonly src: ByteSource,
    readonly capacity: number,
    private readonly grainBytes: number,
    private readonly gteCount: number,
    private readonly gd: Buffer,
    private readonly flags: number,
    readonly descriptor: string | undefined,
  ) {}

  static async open(src: ByteSource): Promise<SparseExtent> {
    if (src.size < SECTOR) fail('truncated', 'the VMDK header is incomplete');
    let h = await readAt(src, 0, SECTOR, 'VMDK header');
    if (h.readUInt32LE(0) !== VMDK_MAGIC) fail('corrupt-header', 'a VMDK extent lacks its sparse header');
    const version = h.readUInt32LE(4);
    if (version < 1 || version > 3) fail('unsupported-feature', `VMDK sparse version ${version} is not supported`);
    const descriptorSectors = u64(h, 28, 'descriptor offset', true);
    const descriptorCount = u64(h, 36, 'descriptor size', true);
    if (h.readBigUInt64LE(56) === GD_AT_END) {
      // streamOptimized: the real header is the footer, 1 KiB before the end (then the end-of-stream marker).
      if (src.size < 3 * SECTOR) fail('truncated', 'the VMDK footer is missing');
      h = await readAt(src, src.size - 2 * SECTOR, SECTOR, 'VMDK footer');
      if (h.readUInt32LE(0) !== VMDK_MAGIC || h.readBigUInt64LE(56) === GD_AT_END) fail('corrupt-header', 'the VMDK footer is invalid');
    }
    const flags = h.readUInt32LE(8);
    const capacity = u64(h, 12, 'capacity', true) * SECTOR;
    const grainSectors = u64(h, 20, 'grain size', true);
    const gteCount = h.readUInt32LE(44);
    const gdOffset = u64(h, 56, 'grain directory offset', true) * SECTOR;
    if (capacity > MAX_BYTES) fail('corrupt-header', 'the VMDK capacity is out of range');
    if (grainSectors < 1 || grainSectors > 0x20000 || (grainSectors & (grainSectors - 1)) !== 0) fail('corrupt-header', 'the VMDK grain size is invalid');
    if (gteCount < 1 || gteCount > 512) fail('corrupt-header', 'the VMDK grain table size is invalid');
    if (flags & FLAG_COMPRESSED && h.readUInt16LE(77) !== 1) fail('unsupported-feature', 'the VMDK compression algorithm is not deflate');
    const grainBytes = grainSectors * SECTOR;
    // Decoded grains are cached whole: keep them small (VMware writes 64 KiB grains).
    if (flags & FLAG_COMPRESSED && grainBytes > 2 * 1024 * 1024) fail('unsupported-feature', 'compressed VMDK grains larger than 2 MiB are not supported');
    const gdEntries = Math.ceil(capacity / (grainBytes * gteCount));
    if (gdEntries * 4 > MAX_TABLE_BYTES) fail('corrupt-header', 'the VMDK grain directory is too large');
    const gd = gdEntries === 0 ? Buffer.alloc(0) : await readAt(src, gdOffset, gdEntries * 4, 'VMDK grain directory');
    let descriptor: string | undefined;
    if (descriptorSectors > 0 && descriptorCount > 0) {
      if (descriptorCount * SECTOR > MAX_DESCRIPTOR) fail('corrupt-header', 'the embedded VMDK descriptor is too large');
      const raw = await readAt(src, descriptorSectors * SECTOR, descriptorCount * SECTOR, 'VMDK descriptor');
      const nul = raw.indexOf(0);
      descriptor = raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8');
    }
    return new SparseExtent(src, capacity, grainBytes, gteCount, gd, flags, descriptor);
  }

  async map(offset: number, maxLength: number): Promise<Run> {
    const gb = this.grainBytes;
    const grain = Math.floor(offset / gb);
    const gdi = Math.floor(grain / this.gteCount);
    const tableEnd = Math.min((gdi + 1) * this.gteCount * gb, this.capacity);
    const limit = Math.min(offset + maxLength, tableEnd);
    const gtSector = this.gd.readUInt32LE(gdi * 4);
    if (gtSector === 0) return { kind: 'backing', length: limit - offset };
    const gt = await this.gtCache.get(gtSector, () => readAt(this.src, gtSector * SECTOR, this.gteCount * 4, 'VMDK grain table'));
    const state = (g: number): { kind: 'zero' | 'backing' | 'data'; sector: number } => {
      const e = gt.readUInt32LE((g % this.gteCount) * 4);
      if (e === 0) return { kind: 'backing', sector: 0 };
      if (e === 1 && this.flags & FLAG_ZERO_GRAIN) return { kind: 'zero', sector: 0 };
      return { kind: 'data', sector: e };
    };
    const first = state(grain);
    const inGrain = offset - grain * gb;
    if (first.kind === 'data' && this.flags & FLAG_COMPRESSED) {
      const sector = first.sector;
      const load = () => this.grainCache.get(sector, () => this.inflateGrain(sector));
      return { kind: 'decoded', length: Math.min(gb - inGrain, maxLength), load, at: inGrain };
    }
    let end = (grain + 1) * gb;
    while (end < limit) {
      const g = end / gb;
      const next = state(g);
      if (next.kind !== first.kind) break;
      if (next.kind === 'data' && next.sector !== first.sector + ((g - grain) * gb) / SECTOR) break;
      end += gb;
    }
    const length = Math.min(end, limit) - offset;
    if (first.kind === 'data') return { kind: 'data', length, source: this.src, position: first.sector * SECTOR + inGrain };
    return { kind: first.kind, length };
  }

  private async inflateGrain(sector: number): Promise<Buffer> {
    const marker = await readAt(this.src, sector * SECTOR, 12, 'VMDK grain marker');
    const size = marker.readUInt32LE(8);
    if (size === 0 || size > this.grainBytes * 2 + 4096) fail('corrupt-header', 'a VMDK compressed grain has an invalid size');
    const data = await readAt(this.src, sector * SECTOR + 12, size, 'VMDK compressed grain');
    let out: Buffer;
    try {
      out = inflateSync(data, { maxOutputLength: this.grainBytes });
    } catch {
      throw new DiskImageError('corrupt-header', 'a VMDK compressed grain does not decompress');
    }
    if (out.length === this.grainBytes) return out;
    const padded = Buffer.alloc(this.grainBytes);
    out.copy(padded);
    return padded;
  }
}

interface DescriptorExtent {
  readonly sectors: number;
  readonly type: string;
  readonly file?: string;
  readonly offset: number;
}

export interface VmdkDescriptor {
  readonly createType?: string;
  readonly parentHint?: string;
  readonly extents: DescriptorExtent[];
}

/** Parses the text descriptor (the subset a reader needs). */
export function parseVmdkDescriptor(text: string): VmdkDescriptor {
  const extents: DescriptorExtent[] = [];
  let createType: string | undefined;
  let parentCid: string | undefined;
  let parentHint: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const kv = /^([A-Za-z.]+)\s*=\s*"?([^"]*)"?$/.exec(line);
    if (kv) {
      if (kv[1] === 'createType') createType = kv[2];
      else if (kv[1] === 'parentCID') parentCid = kv[2]!.toLowerCase();
      else if (kv[1] === 'parentFileNameHint') parentHint = kv[2];
      continue;
    }
    const ex = /^(RW|RDONLY|NOACCESS)\s+(\d+)\s+([A-Z]+)(?:\s+"([^"]*)"(?:\s+(\d+))?)?$/.exec(line);
    if (ex) {
      const sectors = Number(ex[2]);
      const offset = ex[5] ? Number(ex[5]) : 0;
      if (!Number.isSafeInteger(sectors) || sectors * SECTOR > MAX_BYTES || offset * SECTOR > MAX_BYTES) fail('corrupt-header', 'a VMDK extent size is out of range');
      if (ex[1] === 'NOACCESS') fail('unsupported-feature', 'a VMDK extent is marked NOACCESS');
      extents.push({ sectors, type: ex[3]!, file: ex[4], offset });
    }
  }
  if (extents.length > 4096) fail('corrupt-header', 'the VMDK descriptor lists too many extents');
  return { createType, parentHint: parentCid && parentCid !== 'ffffffff' ? parentHint : undefined, extents };
}

type Piece =
  | { start: number; length: number; kind: 'flat'; src: ByteSource; position: number }
  | { start: number; length: number; kind: 'sparse'; extent: SparseExtent }
  | { start: number; length: number; kind: 'zero' };

export class VmdkImage extends MappedImage {
  readonly format: DiskImageFormat;
  readonly variant?: string;
  readonly size: number;
  private readonly starts: number[];

  private constructor(
    readonly path: string,
    private readonly pieces: Piece[],
    variant: string | undefined,
    format: DiskImageFormat,
  ) {
    super();
    this.variant = variant;
    this.format = format;
    this.size = pieces.reduce((n, p) => n + p.length, 0);
    this.starts = pieces.map((p) => p.start);
  }

  /** A file (or OVA member) that starts with the sparse magic: monolithicSparse or streamOptimized. */
  static async openSparse(src: ByteSource, ctx: OpenContext | undefined, opts: { owns: boolean; format?: DiskImageFormat }): Promise<VmdkImage> {
    const extent = await SparseExtent.open(src);
    const desc = extent.descriptor ? parseVmdkDescriptor(extent.descriptor) : undefined;
    const variant = desc?.createType ?? 'monolithicSparse';
    const image = new VmdkImage(src.path, extent.capacity > 0 ? [{ start: 0, length: extent.capacity, kind: 'sparse', extent }] : [], variant, opts.format ?? 'vmdk');
    if (opts.owns) image.sources.push(src);
    if (desc?.parentHint) {
      if (!ctx) fail('unsupported-feature', 'a VMDK inside an archive cannot have a parent disk');
      image.backing = await ctx.openBacking(desc.parentHint, 'vmdk');
    }
    return image;
  }

  /** A text descriptor file with its extents in separate files (monolithicFlat, twoGbMaxExtent*, vmfs). */
  static async openDescriptor(src: ByteSource, ctx: OpenContext): Promise<VmdkImage> {
    if (src.size > MAX_DESCRIPTOR) fail('corrupt-header', 'the VMDK descriptor is too large');
    const text = (await readAt(src, 0, src.size, 'VMDK descriptor')).toString('utf8');
    await src.close();
    const desc = parseVmdkDescriptor(text);
    if (desc.extents.length === 0) fail('corrupt-header', 'the VMDK descriptor lists no extents');
    const dir = path.dirname(src.path);
    const pieces: Piece[] = [];
    const opened: ByteSource[] = [];
    let start = 0;
    try {
      for (const e of desc.extents) {
        const length = e.sectors * SECTOR;
        if (e.type === 'ZERO') {
          pieces.push({ start, length, kind: 'zero' });
        } else if (e.type === 'FLAT' || e.type === 'VMFS') {
          const file = await openExtentFile(dir, e.file);
          opened.push(file);
          if (e.offset * SECTOR + length > file.size) fail('truncated', 'a VMDK flat extent file is shorter than the descriptor says');
          pieces.push({ start, length, kind: 'flat', src: file, position: e.offset * SECTOR });
        } else if (e.type === 'SPARSE') {
          const file = await openExtentFile(dir, e.file);
          opened.push(file);
          const extent = await SparseExtent.open(file);
          if (extent.capacity < length) fail('corrupt-header', 'a VMDK sparse extent is smaller than the descriptor says');
          pieces.push({ start, length, kind: 'sparse', extent });
        } else {
          fail('unsupported-feature', `VMDK extents of type ${e.type === 'VMFSSPARSE' || e.type === 'SESPARSE' || e.type === 'VMFSRDM' || e.type === 'VMFSRAW' ? e.type : 'unknown'} are not supported`);
        }
        start += length;
        if (start > MAX_BYTES) fail('corrupt-header', 'the VMDK extents add up to more than the maximum size');
      }
    } catch (e) {
      await Promise.allSettled(opened.map((f) => f.close()));
      throw e;
    }
    const image = new VmdkImage(src.path, pieces.filter((p) => p.length > 0), desc.createType, 'vmdk');
    image.sources.push(...opened);
    if (desc.parentHint) {
      try {
        image.backing = await ctx.openBacking(desc.parentHint, 'vmdk');
      } catch (e) {
        await image.close();
        throw e;
      }
    }
    return image;
  }

  protected async map(offset: number, maxLength: number): Promise<Run> {
    // Binary search for the piece holding offset.
    let lo = 0;
    let hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const p = this.pieces[lo]!;
    const inPiece = offset - p.start;
    const max = Math.min(maxLength, p.length - inPiece);
    if (p.kind === 'zero') return { kind: 'zero', length: max };
    if (p.kind === 'flat') return { kind: 'data', length: max, source: p.src, position: p.position + inPiece };
    return p.extent.map(inPiece, max);
  }
}

async function openExtentFile(dir: string, file: string | undefined): Promise<FileSource> {
  if (!file) fail('corrupt-header', 'a VMDK extent has no file name');
  if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) fail('unsupported-feature', 'a VMDK extent file lies outside the image folder');
  try {
    return await FileSource.open(path.join(dir, file));
  } catch (e) {
    if (e instanceof DiskImageError && e.code === 'not-found') fail('not-found', 'a VMDK extent file is missing');
    throw e;
  }
}
