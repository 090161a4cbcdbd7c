import { open, type FileHandle } from 'node:fs/promises';
import { DiskImageError, fail } from './errors';

/**
 * Random access to the bytes of an image file, or of a window of one (a VMDK inside an OVA's tar). Every read is
 * bounds-checked against the source's size, so a hostile offset becomes a typed error instead of a short read.
 */
export interface ByteSource {
  readonly path: string;
  readonly size: number;
  /** Fills dst[dstOffset, dstOffset+length) from position; throws 'out-of-bounds'/'truncated' outside the source. */
  readInto(dst: Buffer, dstOffset: number, length: number, position: number): Promise<void>;
  close(): Promise<void>;
}

export class FileSource implements ByteSource {
  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileSource> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      fail(code === 'ENOENT' ? 'not-found' : 'io', code === 'ENOENT' ? 'the file does not exist' : `cannot open the file (${code ?? 'error'})`);
    }
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      fail('unsupported-format', 'not a regular file');
    }
    return new FileSource(path, fh, st.size);
  }

  async readInto(dst: Buffer, dstOffset: number, length: number, position: number): Promise<void> {
    checkRange(this.size, length, position);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(dst, dstOffset + done, length - done, position + done);
      if (bytesRead === 0) fail('truncated', 'the image file ended early (changed while reading?)');
      done += bytesRead;
    }
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** A window [start, start+size) of another source; closing it does not close the parent. */
export class SliceSource implements ByteSource {
  constructor(
    private readonly parent: ByteSource,
    private readonly start: number,
    readonly size: number,
    readonly path: string,
  ) {
    checkRange(parent.size, size, start);
  }

  readInto(dst: Buffer, dstOffset: number, length: number, position: number): Promise<void> {
    checkRange(this.size, length, position);
    return this.parent.readInto(dst, dstOffset, length, this.start + position);
  }

  async close(): Promise<void> {}
}

function checkRange(size: number, length: number, position: number): void {
  if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0) fail('out-of-bounds', 'a read position is invalid');
  if (position + length > size) {
    if (position >= size) fail('out-of-bounds', 'a table entry points past the end of the file');
    fail('truncated', 'a structure runs past the end of the file');
  }
}

/** Reads a fresh buffer; `what` names the structure for the error message. */
export async function readAt(src: ByteSource, position: number, length: number, what: string): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  try {
    await src.readInto(buf, 0, length, position);
  } catch (e) {
    if (e instanceof DiskImageError) throw new DiskImageError(e.code, `${what}: ${e.message}`);
    throw e;
  }
  return buf;
}
