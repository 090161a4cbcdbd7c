import { createHash, type Hash } from 'node:crypto';
import * as CFB from 'cfb';
import { assertNoCompoundFileLoops, CompoundFileLoopError } from './compound-file.guard';

/*
 * The Windows Installer SIP's view of a package (.msi/.msp/.msm): an OLE compound file whose Authenticode digest
 * covers every stream's bytes, storages recursively, children in the order of their raw UTF-16LE names, each storage
 * followed by its CLSID; the root's \x05DigitalSignature and \x05MsiDigitalSignatureEx streams are left out. When
 * MsiDigitalSignatureEx is present, the digest starts with a pre-hash of the entries' metadata. The order and layout
 * follow osslsigncode's msi.c (tag 2.9: msi_hash_dir, msi_prehash_dir, dirent_cmp_hash). Reading the compound file
 * (FAT, mini stream, directory) is done by the `cfb` library; this file only walks its directory tree.
 */

export class MsiFormatError extends Error {}

export const MSI_SIGNATURE_STREAM = '\u0005DigitalSignature';
export const MSI_SIGNATURE_EX_STREAM = '\u0005MsiDigitalSignatureEx';
const COMPOUND_FILE_MAGIC = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const STORAGE = 1;
const STREAM = 2;
const ROOT = 5;
const NO_ENTRY = -1; // NOSTREAM (0xFFFFFFFF) as cfb reads it (signed)
const MAX_DEPTH = 64;
const ZERO2 = Buffer.alloc(2);
const FILETIME_EPOCH_MS = 11_644_473_600_000; // 1601-01-01 → 1970-01-01

/** cfb keeps the red-black tree links of each directory entry; its typings leave them out. */
type RawEntry = CFB.CFB$Entry & { L: number; R: number; C: number };

export interface MsiNode {
  entry: RawEntry;
  /** The name as stored (UTF-16LE, no terminator): the SIP sorts and pre-hashes these bytes. */
  nameBytes: Buffer;
  content: Buffer;
  children: MsiNode[];
}

export interface MsiPackage {
  root: MsiNode;
  /** DER PKCS#7 from the root's \x05DigitalSignature stream, when signed. */
  signature: Buffer | null;
  /** The root's \x05MsiDigitalSignatureEx stream (the metadata pre-hash), when present. */
  signatureEx: Buffer | null;
  streamCount: number;
}

export function isCompoundFile(head: Uint8Array): boolean {
  return head.length >= 8 && Buffer.from(head.buffer, head.byteOffset, 8).equals(COMPOUND_FILE_MAGIC);
}

function bytesOf(content: CFB.CFB$Blob | undefined): Buffer {
  if (!content) return Buffer.alloc(0);
  return Buffer.isBuffer(content) ? content : Buffer.from(content as ArrayLike<number>);
}

/** Parses the compound file with cfb and builds the directory tree from the entries' sibling/child links. */
export function readMsi(bytes: Buffer): MsiPackage {
  if (!isCompoundFile(bytes)) throw new MsiFormatError('not an OLE compound file (no D0 CF 11 E0 header)');
  let index: RawEntry[];
  try {
    assertNoCompoundFileLoops(bytes);
    index = CFB.read(bytes, { type: 'buffer' }).FileIndex as RawEntry[];
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new MsiFormatError(err instanceof CompoundFileLoopError ? `refused compound file: ${why}` : `damaged compound file: ${why}`);
  }
  const rootEntry = index[0];
  if (!rootEntry || rootEntry.type !== ROOT) throw new MsiFormatError('the compound file has no root entry');
  const seen = new Set<number>([0]);
  let streamCount = 0;
  const node = (entry: RawEntry, depth: number): MsiNode => {
    const content = entry.type === STREAM ? bytesOf(entry.content) : Buffer.alloc(0);
    if (entry.type === STREAM) {
      streamCount++;
      if (content.length !== entry.size >>> 0) throw new MsiFormatError(`stream "${entry.name}" is truncated (${content.length} of ${entry.size >>> 0} bytes)`);
    }
    return { entry, nameBytes: Buffer.from(entry.name, 'utf16le'), content, children: entry.type === STORAGE || entry.type === ROOT ? childrenOf(entry.C, depth + 1) : [] };
  };
  const childrenOf = (first: number, depth: number): MsiNode[] => {
    if (depth > MAX_DEPTH) throw new MsiFormatError('storages nested too deeply');
    const ids: number[] = [];
    const todo = [first];
    while (todo.length > 0) {
      const id = todo.pop()!;
      if (id === NO_ENTRY) continue;
      if (id < 0 || id >= index.length) throw new MsiFormatError(`directory entry ${id} does not exist`);
      if (seen.has(id)) throw new MsiFormatError(`directory entry ${id} is linked twice (cycle)`);
      seen.add(id);
      const e = index[id]!;
      todo.push(e.L, e.R);
      if (e.type === STREAM || e.type === STORAGE) ids.push(id);
    }
    return ids.map((id) => node(index[id]!, depth));
  };
  const root = node(rootEntry, 0);
  const find = (name: string) => root.children.find((c) => c.entry.type === STREAM && c.entry.name === name)?.content ?? null;
  return { root, signature: find(MSI_SIGNATURE_STREAM), signatureEx: find(MSI_SIGNATURE_EX_STREAM), streamCount };
}

/** osslsigncode's dirent_cmp_hash: memcmp of the UTF-16LE names with terminator; on a tie the longer name first. */
function hashOrder(a: MsiNode, b: MsiNode): number {
  const x = Buffer.concat([a.nameBytes, ZERO2]);
  const y = Buffer.concat([b.nameBytes, ZERO2]);
  const n = Math.min(x.length, y.length);
  return Buffer.compare(x.subarray(0, n), y.subarray(0, n)) || y.length - x.length;
}

function signedChildren(node: MsiNode, isRoot: boolean): MsiNode[] {
  return node.children
    .filter((c) => !(isRoot && (c.entry.name === MSI_SIGNATURE_STREAM || c.entry.name === MSI_SIGNATURE_EX_STREAM)))
    .sort(hashOrder);
}

function clsidBytes(e: RawEntry): Buffer {
  const hex = typeof e.clsid === 'string' ? e.clsid : '';
  return /^[0-9a-f]{32}$/i.test(hex) ? Buffer.from(hex, 'hex') : Buffer.alloc(16);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}

/** FILETIME as stored; cfb gives it as a Date (millisecond precision), absent when it was zero. */
function filetime(d: Date | undefined): Buffer {
  const b = Buffer.alloc(8);
  if (d) b.writeBigUInt64LE(BigInt(d.getTime() + FILETIME_EPOCH_MS) * 10_000n);
  return b;
}

function hashContent(node: MsiNode, h: Hash, isRoot: boolean): void {
  for (const c of signedChildren(node, isRoot)) {
    if (c.entry.type === STREAM) h.update(c.content);
    else hashContent(c, h, false);
  }
  h.update(clsidBytes(node.entry));
}

function prehashMetadata(e: RawEntry, nameBytes: Buffer, h: Hash): void {
  if (e.type !== ROOT) h.update(nameBytes);
  h.update(e.type === STREAM ? u32(e.size) : clsidBytes(e));
  h.update(u32(e.state ?? 0));
  if (e.type !== ROOT) {
    h.update(filetime(e.ct));
    h.update(filetime(e.mt));
  }
}

function prehash(node: MsiNode, h: Hash, isRoot: boolean): void {
  prehashMetadata(node.entry, node.nameBytes, h);
  for (const c of signedChildren(node, isRoot)) {
    if (c.entry.type === STREAM) prehashMetadata(c.entry, c.nameBytes, h);
    else prehash(c, h, false);
  }
}

/** The MsiDigitalSignatureEx value: a digest of names, sizes, CLSIDs, state bits and times. */
export function msiPrehash(pkg: MsiPackage, algorithm: string): Buffer {
  const h = createHash(algorithm);
  prehash(pkg.root, h, true);
  return h.digest();
}

/** The digest SpcIndirectDataContent signs: [pre-hash when MsiDigitalSignatureEx exists] + streams + CLSIDs. */
export function msiDigest(pkg: MsiPackage, algorithm: string): Buffer {
  const h = createHash(algorithm);
  if (pkg.signatureEx) h.update(msiPrehash(pkg, algorithm));
  hashContent(pkg.root, h, true);
  return h.digest();
}
