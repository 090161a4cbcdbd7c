import path from 'node:path';
import { readAt, type ByteSource } from './byte-source';
import { fail, MAX_BYTES, u64 } from './errors';
import { LruCache, MappedImage, MAX_TABLE_BYTES, type Run } from './mapped-image';
import type { OpenContext } from './open-context';
import type { DiskImageFormat } from './types';

/*
 * VHD (Microsoft Virtual Hard Disk Image Format Specification): fixed (data then a 512-byte footer), dynamic
 * (footer copy, dynamic header, BAT, blocks each preceded by a sector bitmap) and differencing (the bitmap says which
 * sectors are in this file; the rest come from the parent, found through the parent locators).
 */

const SECTOR = 512;
const UNUSED = 0xffffffff;
const TYPE_FIXED = 2;
const TYPE_DYNAMIC = 3;
const TYPE_DIFFERENCING = 4;

export function isVhdFooter(b: Buffer): boolean {
  return b.length >= 8 && b.toString('latin1', 0, 8) === 'conectix';
}

/** The disk size as qemu computes it: CHS geometry for images written by Virtual PC and old qemu, else current size. */
function diskSize(footer: Buffer): number {
  const current = u64(footer, 48, 'VHD current size', false);
  const creator = footer.toString('latin1', 28, 32);
  const cyls = footer.readUInt16BE(56);
  const heads = footer[58]!;
  const spt = footer[59]!;
  const chsMax = cyls === 65535 && heads === 16 && spt === 255;
  if ((creator === 'vpc ' || creator === 'qemu') && !chsMax) return cyls * heads * spt * SECTOR;
  return current;
}

export class VhdImage extends MappedImage {
  readonly format: DiskImageFormat = 'vhd';
  readonly variant: string;
  readonly path: string;
  private readonly bitmapCache = new LruCache<Buffer>(64);
  private readonly bitmapBytes: number;
  /** The footer's unique id, which a differencing child records as its parent's. */
  readonly uniqueId: Buffer;

  private constructor(
    private readonly src: ByteSource,
    readonly size: number,
    private readonly type: number,
    private readonly blockSize: number,
    private readonly bat: Buffer,
    footer: Buffer,
  ) {
    super();
    this.uniqueId = Buffer.from(footer.subarray(68, 84));
    this.path = src.path;
    this.variant = type === TYPE_FIXED ? 'fixed' : type === TYPE_DYNAMIC ? 'dynamic' : 'differencing';
    this.bitmapBytes = Math.ceil(blockSize / SECTOR / 8 / SECTOR) * SECTOR;
    this.sources.push(src);
  }

  static async open(src: ByteSource, ctx: OpenContext): Promise<VhdImage> {
    if (src.size < SECTOR) fail('truncated', 'the VHD footer is incomplete');
    let footer = await readAt(src, 0, SECTOR, 'VHD footer');
    let fixedAtEnd = false;
    if (!isVhdFooter(footer)) {
      footer = await readAt(src, src.size - SECTOR, SECTOR, 'VHD footer');
      if (!isVhdFooter(footer)) fail('unsupported-format', 'not a VHD image');
      fixedAtEnd = true;
    }
    const type = footer.readUInt32BE(60);
    const size = diskSize(footer);
    if (size > MAX_BYTES) fail('corrupt-header', 'the VHD disk size is out of range');
    if (type === TYPE_FIXED) {
      if (size + SECTOR > src.size) fail('truncated', 'the fixed VHD is shorter than its disk size');
      return new VhdImage(src, size, type, 0, Buffer.alloc(0), footer);
    }
    if (type !== TYPE_DYNAMIC && type !== TYPE_DIFFERENCING) fail('unsupported-feature', 'the VHD disk type is unknown');
    if (fixedAtEnd) fail('corrupt-header', 'a dynamic VHD lacks its footer copy at the start');
    const headerOffset = u64(footer, 16, 'VHD header offset', false);
    const h = await readAt(src, headerOffset, 1024, 'VHD dynamic header');
    if (h.toString('latin1', 0, 8) !== 'cxsparse') fail('corrupt-header', 'the VHD dynamic header is missing');
    const batOffset = u64(h, 16, 'VHD BAT offset', false);
    const entries = h.readUInt32BE(28);
    const blockSize = h.readUInt32BE(32);
    if (blockSize < SECTOR || blockSize > 256 * 1024 * 1024 || (blockSize & (blockSize - 1)) !== 0) fail('corrupt-header', 'the VHD block size is invalid');
    if (entries < Math.ceil(size / blockSize)) fail('corrupt-header', 'the VHD block allocation table is too small for the disk size');
    const needed = Math.ceil(size / blockSize);
    if (needed * 4 > MAX_TABLE_BYTES) fail('corrupt-header', 'the VHD block allocation table is too large');
    const bat = needed === 0 ? Buffer.alloc(0) : await readAt(src, batOffset, needed * 4, 'VHD block allocation table');
    const image = new VhdImage(src, size, type, blockSize, bat, footer);
    if (type === TYPE_DIFFERENCING) {
      const found = await ctx.firstExisting(await parentCandidates(src, h));
      if (!found) fail('backing-missing', 'the parent of the differencing VHD was not found');
      const parent = await ctx.openBacking(found, 'vhd');
      // The child records its parent's unique id: a replaced or rebuilt parent would silently give wrong sectors.
      if (parent instanceof VhdImage && !parent.uniqueId.equals(h.subarray(40, 56))) {
        await parent.close();
        fail('backing-mismatch', 'the parent VHD is not the one the differencing disk was made from (its unique id differs)');
      }
      image.backing = parent;
    }
    return image;
  }

  protected async map(offset: number, maxLength: number): Promise<Run> {
    if (this.type === TYPE_FIXED) return { kind: 'data', length: maxLength, source: this.src, position: offset };
    const bs = this.blockSize;
    const block = Math.floor(offset / bs);
    const inBlock = offset - block * bs;
    const max = Math.min(maxLength, bs - inBlock);
    const entry = this.bat.readUInt32BE(block * 4);
    const differencing = this.type === TYPE_DIFFERENCING;
    if (entry === UNUSED) return { kind: differencing ? 'backing' : 'zero', length: max };
    const dataStart = entry * SECTOR + this.bitmapBytes;
    if (!differencing) return { kind: 'data', length: max, source: this.src, position: dataStart + inBlock };
    const bitmap = await this.bitmapCache.get(entry, () => readAt(this.src, entry * SECTOR, this.bitmapBytes, 'VHD sector bitmap'));
    const bit = (s: number) => (bitmap[s >> 3]! >> (7 - (s & 7))) & 1;
    const sector = Math.floor(inBlock / SECTOR);
    const present = bit(sector);
    let end = (sector + 1) * SECTOR;
    while (end < inBlock + max && bit(end / SECTOR) === present) end += SECTOR;
    const length = Math.min(end, inBlock + max) - inBlock;
    return present ? { kind: 'data', length, source: this.src, position: dataStart + inBlock } : { kind: 'backing', length };
  }
}

/**
 * Parent file names, most specific first: the relative Windows path locator (W2ru), the Mac URL (MacX), the file
 * name of the absolute Windows path (W2ku), then the header's Unicode name. All are resolved against the child's folder.
 */
async function parentCandidates(src: ByteSource, h: Buffer): Promise<string[]> {
  const found = new Map<string, string>();
  for (let i = 0; i < 8; i++) {
    const e = 576 + i * 24;
    const code = h.toString('latin1', e, e + 4);
    const length = h.readUInt32BE(e + 8);
    const position = h.readBigUInt64BE(e + 16);
    if ((code !== 'W2ru' && code !== 'W2ku' && code !== 'MacX') || length === 0 || length > 4096) continue;
    if (position + BigInt(length) > BigInt(src.size)) fail('out-of-bounds', 'a VHD parent locator points past the end of the file');
    const data = await readAt(src, Number(position), length, 'VHD parent locator');
    let text = code === 'MacX' ? data.toString('utf8') : data.toString('utf16le');
    text = text.replace(/\0[\s\S]*$/, '');
    if (code === 'MacX') {
      try {
        text = decodeURIComponent(text.replace(/^file:\/\//, ''));
      } catch {
        continue;
      }
      text = path.posix.basename(text);
    } else if (code === 'W2ku') text = path.win32.basename(text);
    else text = text.replace(/\\/g, '/');
    found.set(code, text);
  }
  const unicode = Buffer.from(h.subarray(64, 64 + 512)).swap16().toString('utf16le').replace(/\0[\s\S]*$/, '');
  return [found.get('W2ru'), found.get('MacX'), found.get('W2ku'), unicode].filter((c): c is string => !!c && c.trim() !== '');
}
