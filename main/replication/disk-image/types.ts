/**
 * A disk image seen as a logical block device: what every reader (raw, VMDK, VHD, VHDX, qcow2, OVA member) presents
 * to the replication engine. Offsets and lengths are in bytes of the guest's view of the disk.
 */
export type DiskImageFormat = 'raw' | 'vmdk' | 'vhd' | 'vhdx' | 'qcow2' | 'ova';

/** A run of the logical disk. `data: false` means unallocated (reads as zeros and costs nothing downstream). */
export interface DiskExtent {
  readonly offset: number;
  readonly length: number;
  /** true where the image holds data for this range (it may still be all zeros); false where it reads as zeros. */
  readonly data: boolean;
}

export interface DiskImage {
  readonly path: string;
  readonly format: DiskImageFormat;
  /** Sub-format, e.g. 'monolithicSparse', 'streamOptimized', 'dynamic', 'differencing'. */
  readonly variant?: string;
  /** Logical size in bytes. */
  readonly size: number;
  /** The parent this image reads through where it holds nothing (qcow2 backing file, VMDK parent, VHD parent). */
  readonly backing?: DiskImage;
  /** Contiguous, ascending, non-overlapping extents that cover [0, size) exactly. */
  extents(): AsyncIterable<DiskExtent>;
  /** Reads logical bytes; unallocated ranges come back as zeros. Reads past `size` are an error. */
  read(offset: number, length: number): Promise<Buffer>;
  /** Like read, into dst[dstOffset, dstOffset+length) (no allocation: the block iterator reuses its buffers). */
  readInto(dst: Buffer, dstOffset: number, offset: number, length: number): Promise<void>;
  close(): Promise<void>;
}
