import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../../platform/atomic-write';

/**
 * A run's block manifest: per 512 KiB block, the SHA-256 of the block zero-padded to the block size (what
 * PutSnapshotBlock checks). A block that is zero has the zero block's digest, so "differs from the last run" is one
 * comparison and "zero on both sides" never differs. Stored as a small header line and the raw digests, with a
 * SHA-256 of the digests in the header; written atomically.
 *
 * Since format 2 it also holds each data block's XXH3-128 (`fast`; 16 zero bytes for a zero block). The next run
 * hashes a data block with XXH3-128 first (about 3.5 times faster than SHA-256 here) and, when that equals this
 * manifest's for the block, takes the block's SHA-256 from here instead of computing it: only the blocks that
 * changed are SHA-256'd (rsync finds unchanged blocks with the same kind of hash). A format-1 manifest (no `fast`)
 * still serves as a parent: every data block is then SHA-256'd, as before.
 */
export interface BlockManifest {
  readonly size: number;
  readonly blockSize: number;
  readonly blockCount: number;
  /** blockCount × 32 bytes. */
  readonly digests: Buffer;
  /** blockCount × 16 bytes: XXH3-128 per data block, zeros for a zero block; absent in a format-1 manifest. */
  readonly fast?: Buffer;
}

const MAGIC_V1 = 'mwb-block-manifest/1';
const MAGIC = 'mwb-block-manifest/2';
/** Bytes per block of `fast`. */
export const FAST_DIGEST_BYTES = 16;
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
  const body = m.fast ? Buffer.concat([m.digests, m.fast]) : m.digests;
  const header = JSON.stringify({ format: m.fast ? MAGIC : MAGIC_V1, size: m.size, blockSize: m.blockSize, blockCount: m.blockCount, sha256: createHash('sha256').update(body).digest('hex') });
  await writeFileAtomic(file, Buffer.concat([Buffer.from(header + '\n'), body]), { keepBackup: false });
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
  const body = data.subarray(nl + 1);
  const perBlock = header.format === MAGIC ? 32 + FAST_DIGEST_BYTES : 32;
  if ((header.format !== MAGIC && header.format !== MAGIC_V1) || typeof header.blockCount !== 'number' || typeof header.size !== 'number' || typeof header.blockSize !== 'number' || body.length !== header.blockCount * perBlock || createHash('sha256').update(body).digest('hex') !== header.sha256) {
    throw new ManifestError('the block manifest of the last run is damaged');
  }
  const digests = Buffer.from(body.subarray(0, header.blockCount * 32));
  return { size: header.size, blockSize: header.blockSize, blockCount: header.blockCount, digests, ...(header.format === MAGIC ? { fast: Buffer.from(body.subarray(header.blockCount * 32)) } : {}) };
}
