/**
 * Typed failures of the disk image readers. Messages are short and written by us: they name the structure that is
 * wrong (and numbers we derived), never bytes quoted from the file.
 */
export type DiskImageErrorCode =
  | 'unsupported-format'
  | 'not-found'
  | 'unsupported-feature'
  | 'compressed-unsupported'
  | 'truncated'
  | 'corrupt-header'
  | 'out-of-bounds'
  | 'backing-loop'
  | 'backing-missing'
  | 'backing-mismatch'
  | 'too-deep'
  | 'read-past-end'
  | 'io';

export class DiskImageError extends Error {
  override readonly name = 'DiskImageError';
  constructor(
    readonly code: DiskImageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function fail(code: DiskImageErrorCode, message: string): never {
  throw new DiskImageError(code, message);
}

/** Largest logical size or file offset we accept: 2^50 bytes (1 PiB) keeps every sum exact in a double. */
export const MAX_BYTES = 2 ** 50;

/** A 64-bit field as a safe number, or a typed error naming the field. */
export function u64(buf: Buffer, at: number, field: string, littleEndian: boolean): number {
  const v = littleEndian ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at);
  if (v > BigInt(MAX_BYTES)) fail('corrupt-header', `${field} is out of range`);
  return Number(v);
}
