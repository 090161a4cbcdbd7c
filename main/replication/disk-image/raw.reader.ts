import type { ByteSource } from './byte-source';
import { MappedImage, type Run } from './mapped-image';
import type { DiskImageFormat } from './types';

/** A raw image (or a fixed VHD's data area): every byte is data. Node has no SEEK_DATA, so holes are not seen. */
export class RawImage extends MappedImage {
  readonly format: DiskImageFormat;
  readonly variant?: string;
  readonly path: string;

  constructor(
    private readonly source: ByteSource,
    readonly size: number,
    opts: { format?: DiskImageFormat; variant?: string; owns?: boolean } = {},
  ) {
    super();
    this.path = source.path;
    this.format = opts.format ?? 'raw';
    this.variant = opts.variant;
    if (opts.owns !== false) this.sources.push(source);
  }

  protected async map(offset: number, maxLength: number): Promise<Run> {
    return { kind: 'data', length: maxLength, source: this.source, position: offset };
  }
}
