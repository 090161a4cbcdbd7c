import { DiskImageError, hashDiskImage, openDiskImage, type DiskImage, type DiskImageFormat } from '../replication/disk-image';

export interface DiskImageLayer {
  readonly path: string;
  readonly format: DiskImageFormat;
  readonly variant?: string;
  readonly size: number;
}

export interface DiskImageSummary {
  /** The image and then its backing chain, parent after child. */
  readonly chain: DiskImageLayer[];
  readonly size: number;
  /** Bytes the allocation map says hold data (through the whole chain). */
  readonly allocatedBytes: number;
  readonly hash?: { readonly sha256: string; readonly blockSize: number; readonly blocks: number; readonly dataBlocks: number };
}

export interface InspectRequest {
  readonly path: string;
  readonly format?: DiskImageFormat;
  /** OVA member to open. */
  readonly disk?: string;
  /** Also read everything: whole-image SHA-256 and the count of 512 KiB blocks holding data. */
  readonly hash?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Disk images as the replication engine will see them, for `mwb disk` (and, later, the replication screens). */
export class DiskImageService {
  async inspect(req: InspectRequest): Promise<DiskImageSummary> {
    const image = await openDiskImage(req.path, { ...(req.format ? { format: req.format } : {}), ...(req.disk !== undefined ? { disk: req.disk } : {}) });
    try {
      const chain: DiskImageLayer[] = [];
      for (let l: DiskImage | undefined = image; l; l = l.backing) chain.push({ path: l.path, format: l.format, ...(l.variant ? { variant: l.variant } : {}), size: l.size });
      let allocatedBytes = 0;
      for await (const e of image.extents()) if (e.data) allocatedBytes += e.length;
      if (!req.hash) return { chain, size: image.size, allocatedBytes };
      const m = await hashDiskImage(image, { ...(req.signal ? { signal: req.signal } : {}), ...(req.onProgress ? { onProgress: req.onProgress } : {}) });
      return { chain, size: image.size, allocatedBytes, hash: { sha256: m.sha256, blockSize: m.blockSize, blocks: m.blockCount, dataBlocks: m.dataBlocks } };
    } finally {
      await image.close();
    }
  }
}

export { DiskImageError };
