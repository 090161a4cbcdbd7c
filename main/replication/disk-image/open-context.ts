import type { DiskImageFormat } from './types';
import type { MappedImage } from './mapped-image';

/** What a reader needs from openDiskImage to open its parent: the chain rules (loops, depth) live there. */
export interface OpenContext {
  /** Opens a backing/parent file named in the image, resolved relative to the image's folder. */
  openBacking(reference: string, format?: DiskImageFormat): Promise<MappedImage>;
  /** First of the candidates that exists (VHD parent locators), or undefined. */
  firstExisting(references: readonly string[]): Promise<string | undefined>;
}
