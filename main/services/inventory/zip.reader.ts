import { inflateRawSync } from 'node:zlib';
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

/**
 * Reads the entries `want` accepts from a zip archive held in memory. The central directory is
 * parsed here and each entry inflated by Node's zlib (native, about twice fflate's speed on
 * large sheets) with `maxOutputLength` set to the declared size, so an entry that lies about
 * its size cannot expand past it. Declared sizes and ratios are checked before inflating.
 */
export function unzipBounded(bytes: Uint8Array, fileName: string, want: (name: string, info: ZipEntryInfo) => boolean, limits: ImportLimits): Record<string, Uint8Array> {
  const corrupt = (why: string) => new WorkbenchError('import-corrupt', `${fileName} is damaged or truncated (${why}). Copy the file again from its source, or re-export it.`);
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
  const picked: (ZipEntryInfo & { method: number; local: number })[] = [];
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
    picked.push({ ...info, method, local });
  }
  const out: Record<string, Uint8Array> = {};
  for (const e of picked) {
    if (e.local + 30 > bytes.length || dv.getUint32(e.local, true) !== 0x04034b50) throw corrupt(`the data of ${e.name} is missing`);
    const start = e.local + 30 + dv.getUint16(e.local + 26, true) + dv.getUint16(e.local + 28, true);
    if (start + e.size > bytes.length) throw corrupt(`${e.name} is cut short`);
    const data = bytes.subarray(start, start + e.size);
    if (e.method === 0) {
      out[e.name] = data.subarray(0, e.originalSize);
      continue;
    }
    try {
      out[e.name] = e.originalSize === 0 ? new Uint8Array() : inflateRawSync(data, { maxOutputLength: e.originalSize });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') {
        throw new WorkbenchError('import-too-large', `${fileName} was refused: ${e.name} expands beyond the size the archive declares (possible zip bomb).`);
      }
      throw corrupt(`${e.name}: ${(err as Error).message}`);
    }
  }
  return out;
}
