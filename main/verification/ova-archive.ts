import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { throwIfAborted } from '../common/util/cancel';

/*
 * A streaming reader for OVA files (POSIX ustar, as OVF DSP0243 requires) that never writes anything to disk:
 * each entry's bytes are hashed as they are read. Entries that could escape a folder or point elsewhere
 * (absolute or `..` paths, sub-folders, links, devices) and entries larger than the archive are refused.
 * Hand-written because the format is small and no tar library is a direct dependency of the app.
 */

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  constructor(
    readonly reason: 'unsafe-archive-entry' | 'oversized-entry' | 'bad-archive',
    message: string,
  ) {
    super(message);
  }
}

export interface ArchiveEntry {
  name: string;
  size: number;
  offset: number;
  hashes: Record<string, string>;
  /** Kept for small metadata files (.ovf, .mf, .cert) only. */
  content?: Buffer;
}

const BLOCK = 512;
/** Descriptor, manifest and certificate files are text; anything bigger is not one of them. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;
const MAX_PAX_BYTES = 1024 * 1024;

function field(h: Buffer, off: number, len: number): string {
  const raw = h.subarray(off, off + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

/** The ustar header fields read as numbers, named in errors instead of quoting the file's bytes. */
const FIELD_NAMES: Record<number, string> = { 124: 'size', 148: 'checksum' };

function octal(h: Buffer, off: number, len: number): number {
  if (h[off]! & 0x80) {
    // GNU base-256 for sizes of 8 GiB and more.
    let v = 0;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + h[i]!;
    return v;
  }
  const s = field(h, off, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new ArchiveError('bad-archive', `the tar header's ${FIELD_NAMES[off] ?? 'number'} field is not an octal number: this is not a tar (OVA) archive`);
  return parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === octal(h, 148, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const len = parseInt(data.subarray(pos, sp).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) throw new ArchiveError('bad-archive', 'malformed pax header');
    const kv = data.subarray(sp + 1, pos + len - 1).toString('utf8');
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
    pos += len;
  }
  return out;
}

export function checkEntryName(name: string): void {
  if (name === '' || [...name].some((ch) => ch.charCodeAt(0) < 0x20)) throw new ArchiveError('unsafe-archive-entry', `entry name ${JSON.stringify(name)} is not a plain file name`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\')) throw new ArchiveError('unsafe-archive-entry', `entry "${name}" has an absolute or Windows path`);
  if (name.split('/').includes('..')) throw new ArchiveError('unsafe-archive-entry', `entry "${name}" climbs out of the archive (..)`);
  if (name.replace(/^\.\//, '').includes('/')) throw new ArchiveError('unsafe-archive-entry', `entry "${name}" is in a sub-folder; OVA files are flat`);
}

export interface ReadArchiveOptions {
  fileSize: number;
  /** Digest algorithms for an entry (chosen once the manifest is known). */
  algorithmsFor(name: string): string[];
  signal?: AbortSignal;
  onProgress?(done: number): void;
  /** Called after each entry (lets the caller pick algorithms for later entries once it has read the manifest). */
  onEntry?(entry: ArchiveEntry): void;
}

/** Reads every entry once, in order, hashing its bytes. Throws ArchiveError for anything unsafe or malformed. */
export async function readArchive(fh: FileHandle, opts: ReadArchiveOptions): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const seen = new Set<string>();
  const header = Buffer.alloc(BLOCK);
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  let pos = 0;
  let pax: Record<string, string> = {};
  let longName: string | null = null;
  const readExact = async (target: Buffer, at: number) => {
    const { bytesRead } = await fh.read(target, 0, target.length, at);
    if (bytesRead !== target.length) throw new ArchiveError('oversized-entry', 'the archive ends inside an entry (truncated, or an entry claims more bytes than the file has)');
  };
  for (;;) {
    throwIfAborted(opts.signal, 'Verification was cancelled.');
    if (pos + BLOCK > opts.fileSize) throw new ArchiveError('bad-archive', 'the archive has no end-of-archive marker');
    await readExact(header, pos);
    if (header.every((b) => b === 0)) break;
    if (!checksumOk(header)) throw new ArchiveError('bad-archive', `tar header at byte ${pos} has a bad checksum (not a tar/OVA file, or damaged)`);
    const size = Number(pax.size ?? octal(header, 124, 12));
    const type = String.fromCharCode(header[156]!);
    const dataAt = pos + BLOCK;
    if (!Number.isSafeInteger(size) || size < 0 || dataAt + size > opts.fileSize) throw new ArchiveError('oversized-entry', `an entry claims ${size} bytes, more than the archive holds`);
    const next = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g' || type === 'L') {
      if (size > MAX_PAX_BYTES) throw new ArchiveError('oversized-entry', 'an extended header is implausibly large');
      const data = Buffer.alloc(size);
      await readExact(data, dataAt);
      if (type === 'x') pax = parsePax(data);
      else if (type === 'L') longName = data.toString('utf8').replace(/\0+$/, '');
      pos = next;
      continue;
    }
    const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? field(header, 345, 155) : '';
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    pax = {};
    longName = null;
    if (type === '1' || type === '2') throw new ArchiveError('unsafe-archive-entry', `entry "${name}" is a ${type === '1' ? 'hard' : 'symbolic'} link to "${field(header, 157, 100)}"`);
    if (type !== '0' && type !== '\0' && type !== '7') throw new ArchiveError('unsafe-archive-entry', `entry "${name}" is not a regular file (type ${JSON.stringify(type)})`);
    checkEntryName(name);
    const clean = name.replace(/^\.\//, '');
    if (seen.has(clean)) throw new ArchiveError('unsafe-archive-entry', `entry "${clean}" appears twice`);
    seen.add(clean);
    const metadata = /\.(ovf|mf|cert)$/i.test(clean);
    if (metadata && size > MAX_METADATA_BYTES) throw new ArchiveError('oversized-entry', `"${clean}" is ${size} bytes: too large for a descriptor, manifest or certificate`);
    const hashers: Array<[string, Hash]> = opts.algorithmsFor(clean).map((a) => [a, createHash(a)]);
    const keep: Buffer[] = [];
    for (let done = 0; done < size; ) {
      throwIfAborted(opts.signal, 'Verification was cancelled.');
      const n = Math.min(buf.length, size - done);
      const chunk = buf.subarray(0, n);
      await readExact(chunk, dataAt + done);
      for (const [, h] of hashers) h.update(chunk);
      if (metadata) keep.push(Buffer.from(chunk));
      done += n;
      opts.onProgress?.(dataAt + done);
    }
    const entry: ArchiveEntry = { name: clean, size, offset: dataAt, hashes: Object.fromEntries(hashers.map(([a, h]) => [a, h.digest('hex')])), ...(metadata ? { content: Buffer.concat(keep) } : {}) };
    entries.push(entry);
    opts.onEntry?.(entry);
    pos = next;
  }
  return entries;
}
