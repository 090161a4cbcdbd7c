import type { DataRanges } from '../../platform/file-data-ranges';
import type { ByteSource } from './byte-source';
import { MappedImage, type Run } from './mapped-image';
import type { DiskImageFormat } from './types';

/**
 * A raw image (or a fixed VHD's data area): every byte is data, except, when the file system said where the file
 * holds data (`dataRanges`, platform/file-data-ranges.ts: SEEK_DATA/SEEK_HOLE, as `qemu-img map` sees a raw file),
 * its holes, which read as zeros without being read and are unallocated in the extents.
 */
export class RawImage extends MappedImage {
  readonly format: DiskImageFormat;
  readonly variant?: string;
  readonly path: string;
  private readonly ranges: DataRanges | undefined;

  constructor(
    private readonly source: ByteSource,
    readonly size: number,
    opts: { format?: DiskImageFormat; variant?: string; owns?: boolean; dataRanges?: DataRanges } = {},
  ) {
    super();
    this.path = source.path;
    this.format = opts.format ?? 'raw';
    this.variant = opts.variant;
    this.ranges = opts.dataRanges;
    if (opts.owns !== false) this.sources.push(source);
  }

  protected async map(offset: number, maxLength: number): Promise<Run> {
    const ranges = this.ranges;
    if (!ranges) return { kind: 'data', length: maxLength, source: this.source, position: offset };
    // The first range ending after `offset`: it holds `offset`, or the next data begins there.
    let lo = 0;
    let hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranges[mid]![1] <= offset) lo = mid + 1;
      else hi = mid;
    }
    const r = ranges[lo];
    if (!r) return { kind: 'zero', length: maxLength };
    if (r[0] <= offset) return { kind: 'data', length: Math.min(maxLength, r[1] - offset), source: this.source, position: offset };
    return { kind: 'zero', length: Math.min(maxLength, r[0] - offset) };
  }
}
