import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/*
 * The parts of a PE (Portable Executable) image that Authenticode cares about: where the CheckSum field and
 * the security data directory sit (both excluded from the image hash) and where the certificate table is.
 * The image hash is the file with those three ranges left out, as osslsigncode and jsign compute it.
 */

export class PeFormatError extends Error {
  override readonly name = 'PeFormatError';
}

export interface PeLayout {
  pe32plus: boolean;
  checksumOffset: number;
  /** File offset of the 8-byte IMAGE_DIRECTORY_ENTRY_SECURITY entry. */
  securityEntryOffset: number;
  /** The certificate table (file offset and size), or null when the image is unsigned. */
  certTable: { offset: number; size: number } | null;
  sizeOfHeaders: number;
}

/** Most a header region can need (e_lfanew plus headers); real files use far less. */
export const PE_HEAD_BYTES = 64 * 1024;
const MAX_CERT_TABLE = 16 * 1024 * 1024;

export function parsePeLayout(head: Buffer, fileSize: number): PeLayout {
  if (head.length < 64 || head.readUInt16LE(0) !== 0x5a4d) throw new PeFormatError('no MZ header: not a PE file');
  const peOff = head.readUInt32LE(0x3c);
  if (peOff + 24 > head.length || head.readUInt32LE(peOff) !== 0x00004550) throw new PeFormatError('no PE signature where the MZ header points');
  const sizeOfOptional = head.readUInt16LE(peOff + 20);
  const opt = peOff + 24;
  if (opt + sizeOfOptional > head.length || sizeOfOptional < 96) throw new PeFormatError('optional header missing or truncated');
  const magic = head.readUInt16LE(opt);
  if (magic !== 0x10b && magic !== 0x20b) throw new PeFormatError(`unknown optional header magic 0x${magic.toString(16)}`);
  const pe32plus = magic === 0x20b;
  if (sizeOfOptional < (pe32plus ? 112 : 96)) throw new PeFormatError('optional header too short');
  const sizeOfHeaders = head.readUInt32LE(opt + 60);
  const numDirs = head.readUInt32LE(opt + (pe32plus ? 108 : 92));
  const dirs = opt + (pe32plus ? 112 : 96);
  const securityEntryOffset = dirs + 4 * 8;
  if (numDirs < 5 || securityEntryOffset + 8 > opt + sizeOfOptional) throw new PeFormatError('no security data directory');
  const tableOffset = head.readUInt32LE(securityEntryOffset);
  const tableSize = head.readUInt32LE(securityEntryOffset + 4);
  let certTable: PeLayout['certTable'] = null;
  if (tableOffset !== 0 || tableSize !== 0) {
    if (tableSize < 8 || tableOffset < securityEntryOffset + 8 || tableOffset + tableSize > fileSize) throw new PeFormatError('the certificate table points outside the file');
    if (tableSize > MAX_CERT_TABLE) throw new PeFormatError('the certificate table is implausibly large');
    certTable = { offset: tableOffset, size: tableSize };
  }
  return { pe32plus, checksumOffset: opt + 64, securityEntryOffset, certTable, sizeOfHeaders };
}

/** The PKCS#7 blob of the first WIN_CERTIFICATE (revision 2.0/1.0, type PKCS_SIGNED_DATA). */
export function firstSignature(table: Buffer): Buffer {
  if (table.length < 8) throw new PeFormatError('the certificate table is too short');
  const length = table.readUInt32LE(0);
  const revision = table.readUInt16LE(4);
  const type = table.readUInt16LE(6);
  if (length < 8 || length > table.length) throw new PeFormatError('WIN_CERTIFICATE length is wrong');
  if (type !== 0x0002) throw new PeFormatError(`certificate type ${type} is not PKCS#7 SignedData`);
  if (revision !== 0x0200 && revision !== 0x0100) throw new PeFormatError(`unknown WIN_CERTIFICATE revision 0x${revision.toString(16)}`);
  return table.subarray(8, length);
}

/** Streams the Authenticode image hash: the file minus CheckSum, the security entry and the certificate table. */
export async function peImageDigest(fh: FileHandle, layout: PeLayout, fileSize: number, algorithm: string): Promise<Buffer> {
  const hash = createHash(algorithm);
  const end = layout.certTable ? layout.certTable.offset : fileSize;
  const ranges: Array<[number, number]> = [
    [0, layout.checksumOffset],
    [layout.checksumOffset + 4, layout.securityEntryOffset],
    [layout.securityEntryOffset + 8, end],
  ];
  const buf = Buffer.allocUnsafe(1024 * 1024);
  for (const [from, to] of ranges) {
    for (let pos = from; pos < to; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, to - pos), pos);
      if (bytesRead === 0) throw new PeFormatError('the file ended early');
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  }
  return hash.digest();
}
