import { readAt, type ByteSource } from './byte-source';
import { fail, MAX_BYTES, u64 } from './errors';
import { MappedImage, MAX_TABLE_BYTES, type Run } from './mapped-image';
import type { DiskImageFormat } from './types';

/*
 * VHDX (MS-VHDX 1.0): the current header (valid CRC-32C, highest sequence number), the region table (BAT and
 * metadata), the metadata items that define the geometry, and the BAT with payload entries interleaved with sector
 * bitmap entries. Payload states NOT_PRESENT/UNDEFINED/ZERO/UNMAPPED read as zeros, FULLY_PRESENT as data.
 * Refused with typed errors: a log that still has to be replayed, and differencing (parent) VHDX files.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const BAT_GUID = '2dc27766-f623-4200-9d64-115e9bfd4a08';
const METADATA_GUID = '8b7ca206-4790-4b9a-b8fe-575f050f886e';
const FILE_PARAMETERS = 'caa16737-fa36-4d43-b3b6-33f0aa44e76b';
const VIRTUAL_DISK_SIZE = '2fa54224-cd1b-4876-b211-5dbed83bf4b8';
const LOGICAL_SECTOR_SIZE = '8141bf1d-a96f-4709-ba47-f233a8faab5f';
const KNOWN_METADATA = new Set([
  FILE_PARAMETERS,
  VIRTUAL_DISK_SIZE,
  LOGICAL_SECTOR_SIZE,
  'cda348c7-445d-4471-9cc9-e9885251c556', // physical sector size
  'beca12ab-b2e6-4523-93ef-c309e000c746', // page 83 data
  'a8d35f2b-b30b-454d-abf7-d3d84834ab0c', // parent locator
]);

const CRC32C = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli) of `buf` with the 4 bytes at `skipAt` taken as zero, as the VHDX checksums are defined. */
export function crc32c(buf: Buffer, skipAt = -1): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) {
    const b = i >= skipAt && i < skipAt + 4 ? 0 : buf[i]!;
    c = CRC32C[(c ^ b) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function guid(b: Buffer, at: number): string {
  const h = (s: number, e: number) => b.subarray(at + s, at + e).toString('hex');
  const le = (s: number, e: number) => Buffer.from(b.subarray(at + s, at + e)).reverse().toString('hex');
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${h(8, 10)}-${h(10, 16)}`;
}

export class VhdxImage extends MappedImage {
  readonly format: DiskImageFormat = 'vhdx';
  readonly variant = 'dynamic';
  readonly path: string;

  private constructor(
    private readonly src: ByteSource,
    readonly size: number,
    private readonly blockSize: number,
    private readonly chunkRatio: number,
    private readonly bat: Buffer,
    readonly fixed: boolean,
  ) {
    super();
    this.path = src.path;
    this.sources.push(src);
  }

  static async open(src: ByteSource): Promise<VhdxImage> {
    if (src.size < 1 * MiB) fail('truncated', 'the VHDX file is smaller than its headers');
    const id = await readAt(src, 0, 8, 'VHDX file identifier');
    if (id.toString('latin1') !== 'vhdxfile') fail('unsupported-format', 'not a VHDX image');

    let header: Buffer | undefined;
    let best = -1n;
    for (const at of [64 * KiB, 128 * KiB]) {
      const h = await readAt(src, at, 4 * KiB, 'VHDX header');
      if (h.toString('latin1', 0, 4) !== 'head' || crc32c(h, 4) !== h.readUInt32LE(4)) continue;
      const seq = h.readBigUInt64LE(8);
      if (seq > best) {
        best = seq;
        header = h;
      }
    }
    if (!header) fail('corrupt-header', 'neither VHDX header is valid');
    if (header.readUInt16LE(66) !== 1) fail('unsupported-feature', 'the VHDX version is not supported');
    if (!header.subarray(48, 64).equals(Buffer.alloc(16))) fail('unsupported-feature', 'the VHDX log has not been replayed (open the disk once in Hyper-V or qemu)');

    let regions: Buffer | undefined;
    for (const at of [192 * KiB, 256 * KiB]) {
      const r = await readAt(src, at, 64 * KiB, 'VHDX region table');
      if (r.toString('latin1', 0, 4) === 'regi' && crc32c(r, 4) === r.readUInt32LE(4)) {
        regions = r;
        break;
      }
    }
    if (!regions) fail('corrupt-header', 'neither VHDX region table is valid');
    const count = regions.readUInt32LE(8);
    if (count > 2047) fail('corrupt-header', 'the VHDX region table has too many entries');
    let batRegion: { offset: number; length: number } | undefined;
    let metaRegion: { offset: number; length: number } | undefined;
    for (let i = 0; i < count; i++) {
      const e = 16 + i * 32;
      const g = guid(regions, e);
      const region = { offset: u64(regions, e + 16, 'VHDX region offset', true), length: regions.readUInt32LE(e + 24) };
      if (g === BAT_GUID) batRegion = region;
      else if (g === METADATA_GUID) metaRegion = region;
      else if (regions.readUInt32LE(e + 28) & 1) fail('unsupported-feature', 'the VHDX file requires a region this reader does not know');
    }
    if (!batRegion || !metaRegion) fail('corrupt-header', 'the VHDX region table lacks the BAT or the metadata');
    if (metaRegion.length > 4 * MiB) fail('corrupt-header', 'the VHDX metadata region is too large');

    const meta = await readAt(src, metaRegion.offset, metaRegion.length, 'VHDX metadata');
    if (meta.length < 32 || meta.toString('latin1', 0, 8) !== 'metadata') fail('corrupt-header', 'the VHDX metadata table is missing');
    const items = new Map<string, Buffer>();
    const n = meta.readUInt16LE(10);
    if (n > 2047 || 32 + n * 32 > meta.length) fail('corrupt-header', 'the VHDX metadata table has too many entries');
    for (let i = 0; i < n; i++) {
      const e = 32 + i * 32;
      const g = guid(meta, e);
      const off = meta.readUInt32LE(e + 16);
      const len = meta.readUInt32LE(e + 20);
      const required = (meta.readUInt32LE(e + 24) & 4) !== 0;
      if (!KNOWN_METADATA.has(g)) {
        if (required) fail('unsupported-feature', 'the VHDX file requires metadata this reader does not know');
        continue;
      }
      if (off + len > meta.length) fail('out-of-bounds', 'a VHDX metadata item points outside the metadata region');
      items.set(g, meta.subarray(off, off + len));
    }
    const params = items.get(FILE_PARAMETERS);
    const sizeItem = items.get(VIRTUAL_DISK_SIZE);
    const sectorItem = items.get(LOGICAL_SECTOR_SIZE);
    if (!params || params.length < 8 || !sizeItem || sizeItem.length < 8 || !sectorItem || sectorItem.length < 4) fail('corrupt-header', 'the VHDX metadata lacks a required item');
    const blockSize = params.readUInt32LE(0);
    const flags = params.readUInt32LE(4);
    if (flags & 2) fail('unsupported-feature', 'differencing VHDX files are not supported yet');
    const size = u64(sizeItem, 0, 'VHDX virtual disk size', true);
    const sector = sectorItem.readUInt32LE(0);
    if (sector !== 512 && sector !== 4096) fail('corrupt-header', 'the VHDX logical sector size is invalid');
    if (blockSize < 1 * MiB || blockSize > 256 * MiB || (blockSize & (blockSize - 1)) !== 0) fail('corrupt-header', 'the VHDX block size is invalid');
    if (size > MAX_BYTES) fail('corrupt-header', 'the VHDX disk size is out of range');
    const chunkRatio = (2 ** 23 * sector) / blockSize;
    const payloadBlocks = Math.ceil(size / blockSize);
    const entries = payloadBlocks === 0 ? 0 : payloadBlocks + Math.floor((payloadBlocks - 1) / chunkRatio);
    if (entries * 8 > batRegion.length) fail('corrupt-header', 'the VHDX BAT region is too small for the disk size');
    if (entries * 8 > MAX_TABLE_BYTES) fail('corrupt-header', 'the VHDX BAT is too large');
    const bat = entries === 0 ? Buffer.alloc(0) : await readAt(src, batRegion.offset, entries * 8, 'VHDX BAT');
    return new VhdxImage(src, size, blockSize, chunkRatio, bat, (flags & 1) !== 0);
  }

  protected async map(offset: number, maxLength: number): Promise<Run> {
    const bs = this.blockSize;
    const block = Math.floor(offset / bs);
    const inBlock = offset - block * bs;
    const at = (block + Math.floor(block / this.chunkRatio)) * 8;
    const lo = this.bat.readUInt32LE(at);
    const hi = this.bat.readUInt32LE(at + 4);
    const state = lo & 7;
    const length = Math.min(maxLength, bs - inBlock);
    switch (state) {
      case 0: // NOT_PRESENT
      case 1: // UNDEFINED
      case 2: // ZERO
      case 3: // UNMAPPED
        return { kind: 'zero', length };
      case 6: {
        const position = hi * 2 ** 32 + ((lo & 0xfff00000) >>> 0);
        if (position < 1 * MiB) fail('out-of-bounds', 'a VHDX block points into the headers');
        return { kind: 'data', length, source: this.src, position: position + inBlock };
      }
      default:
        fail('corrupt-header', 'a VHDX block has an invalid state');
    }
  }
}
