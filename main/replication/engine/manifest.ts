import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../../platform/atomic-write';

/**
 * A run's block manifest: per 512 KiB block, the SHA-256 of the block zero-padded to the block size (what
 * PutSnapshotBlock checks). A block that is zero has the zero block's digest, so "differs from the last run" is one
 * comparison and "zero on both sides" never differs. Stored as a small header line and the raw digests, with a
 * SHA-256 of the digests in the header; written atomically.
 */
export interface BlockManifest {
  readonly size: number;
  readonly blockSize: number;
  readonly blockCount: number;
  /** blockCount × 32 bytes. */
  readonly digests: Buffer;
}

const MAGIC = 'mwb-block-manifest/1';
const zeroDigests = new Map<number, Buffer>();

export function zeroBlockDigest(blockSize: number): Buffer {
  let d = zeroDigests.get(blockSize);
  if (!d) zeroDigests.set(blockSize, (d = createHash('sha256').update(Buffer.alloc(blockSize)).digest()));
  return d;
}

/** The digest the manifest holds for block `index` (the zero block's beyond its end). */
export function manifestDigest(m: BlockManifest | undefined, index: number, blockSize: number): Buffer {
  if (!m || index >= m.blockCount || m.blockSize !== blockSize) return zeroBlockDigest(blockSize);
  return m.digests.subarray(index * 32, index * 32 + 32);
}

export async function writeManifest(file: string, m: BlockManifest): Promise<void> {
  const header = JSON.stringify({ format: MAGIC, size: m.size, blockSize: m.blockSize, blockCount: m.blockCount, sha256: createHash('sha256').update(m.digests).digest('hex') });
  await writeFileAtomic(file, Buffer.concat([Buffer.from(header + '\n'), m.digests]), { keepBackup: false });
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export async function readManifest(file: string): Promise<BlockManifest> {
  const data = await fs.readFile(file);
  const nl = data.indexOf(0x0a);
  let header: { format?: string; size?: number; blockSize?: number; blockCount?: number; sha256?: string };
  try {
    header = JSON.parse(data.subarray(0, nl < 0 ? 0 : nl).toString('utf8')) as typeof header;
  } catch {
    throw new ManifestError('the block manifest of the last run is unreadable');
  }
  const digests = data.subarray(nl + 1);
  if (header.format !== MAGIC || typeof header.blockCount !== 'number' || typeof header.size !== 'number' || typeof header.blockSize !== 'number' || digests.length !== header.blockCount * 32 || createHash('sha256').update(digests).digest('hex') !== header.sha256) {
    throw new ManifestError('the block manifest of the last run is damaged');
  }
  return { size: header.size, blockSize: header.blockSize, blockCount: header.blockCount, digests: Buffer.from(digests) };
}
