import { inflateRawSync } from 'node:zlib';
import { Inflate } from 'fflate';
import { WorkbenchError } from '../../common/model/errors';
import type { ImportLimits } from './limits';

export interface ZipEntryInfo {
  name: string;
  /** Compressed size. */
  size: number;
  /** Uncompressed size as the archive declares it. */
  originalSize: number;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5 || bytes[2] === 7);
}

/** An entry picked from the central directory: its bounds are checked, its data not yet inflated. */
export interface ZipEntry extends ZipEntryInfo {
  method: number;
  /** The compressed bytes (a view of the archive). */
  data: Uint8Array;
}

/**
 * Lists the entries `want` accepts from a zip archive held in memory, checking declared sizes
 * and ratios before anything is inflated. The central directory is parsed here; `inflateEntry`
 * and `inflateEntryStream` then expand one entry, never past the size it declares.
 */
export function zipEntries(bytes: Uint8Array, fileName: string, want: (name: string, info: ZipEntryInfo) => boolean, limits: ImportLimits): ZipEntry[] {
  const corrupt = (why: string) => corruptZip(fileName, why);
  if (!isZip(bytes)) {
    throw new WorkbenchError('import-corrupt', `${fileName} is not a valid .xlsx or .zip file (it does not start like a zip archive). It may be damaged or saved in another format.`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt('the zip directory at the end of the file is missing');
  const count = dv.getUint16(eocd + 10, true);
  const cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new WorkbenchError('import-too-large', `${fileName} is a ZIP64 archive (over 4 GiB or 65,535 entries), far beyond any inventory export.`);
  if (cdOffset >= bytes.length) throw corrupt('the zip directory points past the end of the file');
  const picked: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== 0x02014b50) throw corrupt('a zip directory entry is broken');
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const size = dv.getUint32(p + 20, true);
    const originalSize = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    const local = dv.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    const info = { name, size, originalSize };
    if (!want(name, info)) continue;
    if (flags & 1) throw new WorkbenchError('import-unrecognized', `${fileName} is password-protected; save an unprotected copy and import that.`);
    if (method !== 0 && method !== 8) throw corrupt(`${name} uses zip compression method ${method}`);
    total += originalSize;
    if (originalSize > limits.maxUncompressedBytes || total > limits.maxUncompressedBytes) {
      throw new WorkbenchError('import-too-large', `${fileName} was refused: it would expand to more than ${Math.round(limits.maxUncompressedBytes / 2 ** 20)} MiB, which no real inventory export does (possible zip bomb).`);
    }
    if (size > 0 && originalSize / size > limits.maxRatio && originalSize > 16 * 2 ** 20) {
      throw new WorkbenchError('import-too-large', `${fileName} was refused: ${name} is compressed ${Math.round(originalSize / size)}:1, which no real inventory export is (possible zip bomb).`);
    }
    if (local + 30 > bytes.length || dv.getUint32(local, true) !== 0x04034b50) throw corrupt(`the data of ${name} is missing`);
    const start = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    if (start + size > bytes.length) throw corrupt(`${name} is cut short`);
    picked.push({ ...info, method, data: bytes.subarray(start, start + size) });
  }
  return picked;
}

function corruptZip(fileName: string, why: string): WorkbenchError {
  return new WorkbenchError('import-corrupt', `${fileName} is damaged or truncated (${why}). Copy the file again from its source, or re-export it.`);
}

function beyondDeclared(fileName: string, e: ZipEntryInfo): WorkbenchError {
  return new WorkbenchError('import-too-large', `${fileName} was refused: ${e.name} expands beyond the size the archive declares (possible zip bomb).`);
}

/**
 * Inflates one entry by Node's zlib (native, about twice fflate's speed on large sheets) with
 * `maxOutputLength` set to the declared size, so an entry that lies about its size cannot expand past it.
 * The output buffer is sized to the declared size (checked against the limits and the ratio by `zipEntries`), so
 * zlib fills one buffer instead of gathering 16 KiB pieces and copying them together at the end.
 */
export function inflateEntry(e: ZipEntry, fileName: string): Uint8Array {
  if (e.method === 0) return e.data.subarray(0, e.originalSize);
  try {
    return e.originalSize === 0 ? new Uint8Array() : inflateRawSync(e.data, { maxOutputLength: e.originalSize, chunkSize: Math.max(64 * 1024, e.originalSize + 1) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw beyondDeclared(fileName, e);
    throw corruptZip(fileName, `${e.name}: ${(err as Error).message}`);
  }
}

/**
 * Inflates one entry piece by piece (64 KiB of compressed input at a time), handing each piece
 * to `onChunk` and keeping none: memory stays bounded by what the caller keeps.
 */
export function inflateEntryStream(e: ZipEntry, fileName: string, onChunk: (chunk: Uint8Array) => void): void {
  if (e.method === 0) {
    for (let at = 0; at < e.originalSize; at += 65536) onChunk(e.data.subarray(at, Math.min(at + 65536, e.originalSize)));
    return;
  }
  let out = 0;
  const inflater = new Inflate((chunk) => {
    out += chunk.length;
    if (out > e.originalSize) throw beyondDeclared(fileName, e);
    onChunk(chunk);
  });
  try {
    for (let at = 0; at < e.data.length; at += 65536) inflater.push(e.data.subarray(at, Math.min(at + 65536, e.data.length)), at + 65536 >= e.data.length);
    if (e.data.length === 0) inflater.push(new Uint8Array(), true);
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    throw corruptZip(fileName, `${e.name}: ${(err as Error).message}`);
  }
}

/** Reads (inflates) the entries `want` accepts from a zip archive held in memory. */
export function unzipBounded(bytes: Uint8Array, fileName: string, want: (name: string, info: ZipEntryInfo) => boolean, limits: ImportLimits): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const e of zipEntries(bytes, fileName, want, limits)) out[e.name] = inflateEntry(e, fileName);
  return out;
}
