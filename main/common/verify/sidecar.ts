import { algorithmFromHexLength, algorithmFromName, HASH_LABEL, HEX_LENGTH, type FileHashes, type HashAlgorithm } from './hashes';

/*
 * Checksum sidecar files in the formats people meet: bare hex, coreutils `hex  name` / `hex *name`,
 * BSD `SHA256 (name) = hex`, openssl `SHA2-256(name)= hex` (also OVF *.mf), PowerShell Get-FileHash
 * (`.Hash` alone, list or table output), any line ending, UTF-8/UTF-16 with or without BOM. Pure: no I/O.
 */

export type SidecarVerdict = 'match' | 'mismatch' | 'name-mismatch' | 'malformed';

export interface SidecarEntry {
  /** 1-based line number in the sidecar. */
  line: number;
  hex: string;
  /** Algorithm named by the line itself (BSD tag, openssl, Get-FileHash), if any. */
  algorithm: HashAlgorithm | null;
  /** Algorithm name as written when we do not compute it (e.g. SHA384). */
  unsupportedAlgorithm?: string;
  /** File name or path the line names, if any. */
  name: string | null;
}

export interface ParsedSidecar {
  entries: SidecarEntry[];
  /** Non-empty lines that are not checksum lines (line numbers). */
  unrecognized: number[];
}

export interface SidecarResult {
  /** Sidecar file name (or path as given). */
  sidecar: string;
  verdict: SidecarVerdict;
  algorithm: HashAlgorithm | null;
  expected?: string;
  actual?: string;
  /** Why, in words a consultant understands. */
  reason: string;
  line?: number;
}

export class SidecarParseError extends Error {
  override readonly name = 'SidecarParseError';
}

const MAX_SIDECAR_CHARS = 4 * 1024 * 1024;

/** Decodes sidecar bytes: BOMs honoured, BOM-less UTF-16 recognised by its NULs, else UTF-8 (Latin-1 fallback). */
export function decodeSidecarBytes(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), true);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), false);
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes.subarray(3));
  if (bytes.length >= 4 && bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0) return decodeUtf16(bytes, true);
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[2] === 0 && bytes[1] !== 0) return decodeUtf16(bytes, false);
  return decodeUtf8(bytes);
}

function decodeUtf16(bytes: Uint8Array, little: boolean): string {
  const units: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) units.push(little ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!);
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}

function decodeUtf8(bytes: Uint8Array): string {
  let latin1 = '';
  for (let i = 0; i < bytes.length; i += 8192) latin1 += String.fromCharCode(...bytes.subarray(i, i + 8192));
  if (!/[\x80-\xff]/.test(latin1)) return latin1;
  try {
    return decodeURIComponent(latin1.replace(/[\x80-\xff%]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')));
  } catch {
    return latin1;
  }
}

const HEX = '([0-9A-Fa-f]{8,256})';
const BARE = new RegExp(`^${HEX}$`);
const COREUTILS = new RegExp(`^\\\\?${HEX} [ *](.+)$`);
// BSD `SHA256 (name) = hex` and openssl `SHA2-256(name)= hex` (also OVF manifests).
const TAGGED = new RegExp(`^([A-Za-z][A-Za-z0-9-]{1,15}) ?\\((.*)\\) ?= ?${HEX}$`);
// Get-FileHash table row: `SHA256   HEX   C:\path\file`
const PS_TABLE = new RegExp(`^(MD5|SHA1|SHA256|SHA384|SHA512|MACTripleDES|RIPEMD160)\\s+${HEX}\\s+(.+)$`, 'i');
const PS_LIST = /^(Algorithm|Hash|Path)\s*:\s*(.*)$/i;

/** Parses sidecar text into checksum entries. Throws SidecarParseError only for oversized input. */
export function parseSidecar(text: string): ParsedSidecar {
  if (text.length > MAX_SIDECAR_CHARS) throw new SidecarParseError(`sidecar is larger than ${MAX_SIDECAR_CHARS} characters`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const entries: SidecarEntry[] = [];
  const unrecognized: number[] = [];
  let list: { algorithm?: string; hash?: string; path?: string; line: number } | null = null;
  const flushList = () => {
    if (list?.hash !== undefined && /^[0-9A-Fa-f]{8,256}$/.test(list.hash)) {
      const a = list.algorithm ? algorithmFromName(list.algorithm) : null;
      entries.push({
        line: list.line,
        hex: list.hash.toLowerCase(),
        algorithm: a,
        ...(list.algorithm && !a ? { unsupportedAlgorithm: list.algorithm } : {}),
        name: list.path ? list.path : null,
      });
    } else if (list) unrecognized.push(list.line);
    list = null;
  };
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    // No checksum line is this long; refusing early keeps the regexes linear.
    if (line.length > 4096) {
      flushList();
      unrecognized.push(lineNo);
      return;
    }
    if (line === '' || line.startsWith('#') || /^-+(\s+-+)*$/.test(line) || /^Algorithm\s+Hash\s+Path$/i.test(line)) {
      if (line === '') flushList();
      return;
    }
    const listM = PS_LIST.exec(line);
    if (listM) {
      const key = listM[1]!.toLowerCase() as 'algorithm' | 'hash' | 'path';
      if (key === 'algorithm') flushList();
      list ??= { line: lineNo };
      list[key] = listM[2]!.trim();
      return;
    }
    flushList();
    let m = BARE.exec(line);
    if (m) {
      entries.push({ line: lineNo, hex: m[1]!.toLowerCase(), algorithm: null, name: null });
      return;
    }
    m = PS_TABLE.exec(line);
    if (m) {
      const a = algorithmFromName(m[1]!);
      entries.push({ line: lineNo, hex: m[2]!.toLowerCase(), algorithm: a, ...(a ? {} : { unsupportedAlgorithm: m[1]! }), name: m[3]!.trim() });
      return;
    }
    m = TAGGED.exec(line);
    if (m) {
      const a = algorithmFromName(m[1]!);
      entries.push({ line: lineNo, hex: m[3]!.toLowerCase(), algorithm: a, ...(a ? {} : { unsupportedAlgorithm: m[1]! }), name: m[2]! });
      return;
    }
    m = COREUTILS.exec(raw.replace(/^\s+/, '').replace(/\s+$/, ''));
    if (m) {
      entries.push({ line: lineNo, hex: m[1]!.toLowerCase(), algorithm: null, name: m[2]! });
      return;
    }
    unrecognized.push(lineNo);
  });
  flushList();
  return { entries, unrecognized };
}

/** The algorithm a sidecar's own name implies (`x.sha256`, `SHA256SUMS`, `x.md5sum`), if any. */
export function algorithmFromSidecarName(sidecarName: string): HashAlgorithm | null {
  const base = baseName(sidecarName).toLowerCase();
  const ext = /\.(md5|sha1|sha256|sha512)(sum)?$/.exec(base);
  if (ext) return ext[1] as HashAlgorithm;
  const sums = /^(md5|sha1|sha256|sha512)sums(\.txt)?$/.exec(base);
  if (sums) return sums[1] as HashAlgorithm;
  return null;
}

export function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] ?? p;
}

function namesFile(entryName: string, fileName: string): boolean {
  const n = baseName(entryName.replace(/^\*/, ''));
  if (n === fileName) return true;
  // Windows paths (Get-FileHash) compare case-insensitively, as the file system there does.
  return /[\\]|^[A-Za-z]:/.test(entryName) && n.toLowerCase() === fileName.toLowerCase();
}

/**
 * Checks one sidecar against a file's computed hashes. `fileName` is the checked file's base name.
 * Returns one result per entry that applies to the file (usually one).
 */
export function evaluateSidecar(sidecarName: string, bytes: Uint8Array, fileName: string, hashes: FileHashes): SidecarResult[] {
  const hint = algorithmFromSidecarName(sidecarName);
  const base = { sidecar: sidecarName };
  let parsed: ParsedSidecar;
  try {
    parsed = parseSidecar(decodeSidecarBytes(bytes));
  } catch (err) {
    return [{ ...base, verdict: 'malformed', algorithm: hint, reason: err instanceof Error ? err.message : String(err) }];
  }
  if (parsed.entries.length === 0) {
    const reason = bytes.length === 0 || parsed.unrecognized.length === 0 ? 'the sidecar is empty' : `no checksum line recognised (line ${parsed.unrecognized[0]})`;
    return [{ ...base, verdict: 'malformed', algorithm: hint, reason }];
  }
  const forFile = parsed.entries.filter((e) => e.name !== null && namesFile(e.name, fileName));
  const unnamed = parsed.entries.filter((e) => e.name === null);
  const applicable = forFile.length > 0 ? forFile : unnamed;
  if (applicable.length === 0) {
    const names = [...new Set(parsed.entries.map((e) => baseName(e.name ?? '')))].slice(0, 3);
    const e = parsed.entries[0]!;
    const alg = e.algorithm ?? hint ?? algorithmFromHexLength(e.hex.length);
    const same = alg && hashes[alg] === e.hex;
    return [
      {
        ...base,
        verdict: 'name-mismatch',
        algorithm: alg,
        expected: e.hex,
        ...(alg && hashes[alg] ? { actual: hashes[alg] } : {}),
        line: e.line,
        reason: `names ${names.map((n) => `"${n}"`).join(', ')}, not "${fileName}"${same ? ' (the hash itself would match)' : ''}`,
      },
    ];
  }
  return applicable.map((e) => judge(sidecarName, e, hint, hashes));
}

function judge(sidecar: string, e: SidecarEntry, hint: HashAlgorithm | null, hashes: FileHashes): SidecarResult {
  const base = { sidecar, line: e.line, expected: e.hex };
  if (e.unsupportedAlgorithm) return { ...base, verdict: 'malformed', algorithm: null, reason: `${e.unsupportedAlgorithm} is not an algorithm the workbench checks` };
  const alg = e.algorithm ?? hint ?? algorithmFromHexLength(e.hex.length);
  if (!alg) return { ...base, verdict: 'malformed', algorithm: null, reason: `${e.hex.length} hex digits is no known digest length` };
  if (e.hex.length !== HEX_LENGTH[alg]) {
    return { ...base, verdict: 'malformed', algorithm: alg, reason: `wrong length: ${e.hex.length} hex digits, ${HASH_LABEL[alg]} has ${HEX_LENGTH[alg]}` };
  }
  const actual = hashes[alg];
  if (!actual) return { ...base, verdict: 'malformed', algorithm: alg, reason: `${HASH_LABEL[alg]} was not computed` };
  if (actual === e.hex) return { ...base, actual, verdict: 'match', algorithm: alg, reason: `${HASH_LABEL[alg]} matches` };
  return { ...base, actual, verdict: 'mismatch', algorithm: alg, reason: `${HASH_LABEL[alg]} differs: the file is not the one the sidecar describes` };
}

/** Sidecar names to look for next to `fileName` (plus any *.mf in the folder, found by the caller). */
export function sidecarCandidates(fileName: string): string[] {
  const exts = ['md5', 'sha1', 'sha256', 'sha512', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum'];
  return [...exts.map((x) => `${fileName}.${x}`), 'MD5SUMS', 'SHA1SUMS', 'SHA256SUMS', 'SHA512SUMS', 'CHECKSUMS'];
}
