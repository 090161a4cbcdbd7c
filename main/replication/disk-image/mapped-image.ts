import type { ByteSource } from './byte-source';
import { DiskImageError, fail } from './errors';
import type { DiskExtent, DiskImage, DiskImageFormat } from './types';

/**
 * What one logical range of an image is made of, as a format reader sees it. Readers only answer `map()`; reading,
 * extents and backing files are handled here once for every format.
 */
export type Run =
  /** Reads as zeros and the image says so (unallocated without a parent, qcow2 zero cluster, VHDX ZERO block). */
  | { readonly kind: 'zero'; readonly length: number }
  /** Not in this image: the parent's bytes show through (zeros when there is no parent or past its end). */
  | { readonly kind: 'backing'; readonly length: number }
  /** Stored as-is at `position` of `source`. */
  | { readonly kind: 'data'; readonly length: number; readonly source: ByteSource; readonly position: number }
  /** Stored compressed: `load()` gives the decoded unit; this run starts at `at` inside it. */
  | { readonly kind: 'decoded'; readonly length: number; readonly load: () => Promise<Buffer>; readonly at: number };

export abstract class MappedImage implements DiskImage {
  abstract readonly path: string;
  abstract readonly format: DiskImageFormat;
  abstract readonly variant?: string;
  abstract readonly size: number;
  /** The parent image (qcow2 backing file, VMDK parent, VHD differencing parent), opened by openDiskImage. */
  backing?: MappedImage;
  /** Files this image opened itself (closed with it). */
  protected readonly sources: ByteSource[] = [];

  /** The run at `offset` (0 ≤ offset < size), of length 1…maxLength. */
  protected abstract map(offset: number, maxLength: number): Promise<Run>;

  async read(offset: number, length: number): Promise<Buffer> {
    this.checkRange(offset, length);
    const buf = Buffer.allocUnsafe(length);
    await this.readInto(buf, 0, offset, length);
    return buf;
  }

  /** Fills dst[dstOffset, dstOffset+length) with logical bytes [offset, offset+length); the range must be inside size. */
  async readInto(dst: Buffer, dstOffset: number, offset: number, length: number): Promise<void> {
    this.checkRange(offset, length);
    let done = 0;
    while (done < length) {
      const run = await this.map(offset + done, length - done);
      const n = this.checkRun(run, length - done);
      const at = dstOffset + done;
      switch (run.kind) {
        case 'zero':
          dst.fill(0, at, at + n);
          break;
        case 'backing':
          await this.readBacking(dst, at, offset + done, n);
          break;
        case 'data':
          await run.source.readInto(dst, at, n, run.position);
          break;
        case 'decoded': {
          const unit = await run.load();
          if (run.at + n > unit.length) fail('corrupt-header', 'a compressed unit decodes to fewer bytes than it covers');
          unit.copy(dst, at, run.at, run.at + n);
          break;
        }
      }
      done += n;
    }
  }

  async *extents(): AsyncIterable<DiskExtent> {
    let pending: DiskExtent | undefined;
    for await (const e of this.extentsIn(0, this.size)) {
      if (pending && pending.data === e.data && pending.offset + pending.length === e.offset) {
        pending = { offset: pending.offset, length: pending.length + e.length, data: e.data };
      } else {
        if (pending) yield pending;
        pending = e;
      }
    }
    if (pending) yield pending;
  }

  /** Uncoalesced extents of [offset, offset+length), following the backing chain. */
  async *extentsIn(offset: number, length: number): AsyncGenerator<DiskExtent> {
    let done = 0;
    while (done < length) {
      const run = await this.map(offset + done, length - done);
      const n = this.checkRun(run, length - done);
      const at = offset + done;
      if (run.kind === 'backing') {
        const inParent = this.backing ? Math.max(0, Math.min(n, this.backing.size - at)) : 0;
        if (inParent > 0) yield* this.backing!.extentsIn(at, inParent);
        if (inParent < n) yield { offset: at + inParent, length: n - inParent, data: false };
      } else {
        yield { offset: at, length: n, data: run.kind !== 'zero' };
      }
      done += n;
    }
  }

  /** Hands a source to this image: it is closed with the image. */
  adopt(source: ByteSource): void {
    this.sources.push(source);
  }

  async close(): Promise<void> {
    const all = this.sources.splice(0);
    await Promise.allSettled(all.map((s) => s.close()));
    await this.backing?.close();
  }

  private async readBacking(dst: Buffer, at: number, offset: number, n: number): Promise<void> {
    const inParent = this.backing ? Math.max(0, Math.min(n, this.backing.size - offset)) : 0;
    if (inParent > 0) await this.backing!.readInto(dst, at, offset, inParent);
    if (inParent < n) dst.fill(0, at + inParent, at + n);
  }

  private checkRange(offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new DiskImageError('read-past-end', 'offset and length must be non-negative integers');
    }
    if (offset + length > this.size) throw new DiskImageError('read-past-end', 'the read goes past the end of the disk');
  }

  private checkRun(run: Run, max: number): number {
    // A reader bug here would otherwise loop forever or overrun: treat it as a corrupt image, never hang.
    if (!(run.length >= 1 && run.length <= max && Number.isSafeInteger(run.length))) fail('corrupt-header', 'an allocation table entry has an invalid extent');
    return run.length;
  }
}

/** A small LRU of loaded tables or decoded units, keyed by file position, bounded by entry count. */
export class LruCache<V> {
  private readonly map = new Map<number, Promise<V>>();
  constructor(private readonly capacity: number) {}

  get(key: number, load: () => Promise<V>): Promise<V> {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const p = load();
    this.map.set(key, p);
    p.catch(() => this.map.delete(key));
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as number);
    return p;
  }
}

/** Tables (L1, GD, BAT) are read whole; this bounds the memory a hostile header can make us allocate. */
export const MAX_TABLE_BYTES = 64 * 1024 * 1024;
