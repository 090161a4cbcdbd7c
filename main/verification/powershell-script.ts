import { Buffer } from 'node:buffer';

/*
 * The PowerShell SIP's view of a script: decode the bytes the way Windows does, find the signature block,
 * and produce the exact bytes Windows hashes: UTF-16LE code units of the text before the CRLF that precedes
 * `# SIG # Begin signature block` (BOM kept as U+FEFF, no line-ending normalisation).
 */

export type ScriptEncoding = 'utf-16le' | 'utf-16be' | 'utf-8-bom' | 'utf-8' | 'windows-1252';

export type ScriptBlock =
  | { kind: 'unsigned' }
  | { kind: 'malformed'; problem: string }
  | { kind: 'bad-base64'; problem: string }
  | { kind: 'trailing-data'; der: Buffer; content: Buffer; problem: string }
  | { kind: 'signed'; der: Buffer; content: Buffer };

export interface ParsedScript {
  encoding: ScriptEncoding;
  block: ScriptBlock;
}

const BEGIN = '# SIG # Begin signature block';
const END = '# SIG # End signature block';
/** Signature blocks are a few KiB; a far bigger one is not a signature. */
const MAX_BLOCK_CHARS = 2 * 1024 * 1024;

// Windows-1252 code points for bytes 0x80..0x9F (the rest equals Latin-1); undefined bytes map to C1 controls.
const CP1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

function decodeCp1252(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    units[i] = b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80]! : b;
  }
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.subarray(i, i + 8192));
  return out;
}

/** Length of a complete, valid UTF-8 multi-byte sequence at `i`, or 0. */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
  if (need === 0) return 0;
  for (let k = 1; k <= need; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return 0;
  // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not valid UTF-8.
  const c1 = b[i + 1]!;
  if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 >= 0xa0) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 >= 0x90)) return 0;
  return need + 1;
}

/**
 * BOM-less files: Windows reads them as UTF-8 only when the first 32 bytes hold a complete valid multi-byte
 * UTF-8 sequence; otherwise with the ANSI code page (Windows-1252 assumed, as on Western-European systems).
 */
export function sniffEncoding(bytes: Uint8Array): ScriptEncoding {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8-bom';
  const head = bytes.subarray(0, 32);
  for (let i = 0; i < head.length; i++) if (head[i]! >= 0x80 && utf8SequenceAt(head, i) > 0) return 'utf-8';
  return 'windows-1252';
}

/** Decoded text with the BOM kept as U+FEFF (Windows hashes it). */
export function decodeScript(bytes: Uint8Array, encoding: ScriptEncoding): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (encoding) {
    case 'utf-16le':
      return buf.subarray(0, buf.length & ~1).toString('utf16le');
    case 'utf-16be': {
      const swapped = Buffer.from(buf.subarray(0, buf.length & ~1));
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case 'utf-8-bom':
    case 'utf-8':
      // TextDecoder with ignoreBOM keeps a leading EF BB BF as U+FEFF.
      return new TextDecoder('utf-8', { ignoreBOM: true }).decode(buf);
    case 'windows-1252':
      return decodeCp1252(buf);
  }
}

/** Parses a PowerShell script's bytes: encoding, signature block, and the bytes Windows hashes. */
export function parseScript(bytes: Uint8Array): ParsedScript {
  const encoding = sniffEncoding(bytes);
  const text = decodeScript(bytes, encoding);
  const marker = `\r\n${BEGIN}\r\n`;
  const at = text.lastIndexOf(marker);
  if (at < 0) {
    if (text.includes(BEGIN)) {
      return { encoding, block: { kind: 'malformed', problem: `'${BEGIN}' is not on its own CRLF-terminated line (Windows does not recognise an LF-only block)` } };
    }
    return { encoding, block: { kind: 'unsigned' } };
  }
  const content = Buffer.from(text.slice(0, at), 'utf16le');
  const rest = text.slice(at + marker.length);
  const endAt = rest.indexOf(`\r\n${END}`) >= 0 ? rest.indexOf(`\r\n${END}`) + 2 : rest.startsWith(END) ? 0 : -1;
  if (endAt < 0) return { encoding, block: { kind: 'malformed', problem: `no '${END}' line: the block is truncated` } };
  if (endAt > MAX_BLOCK_CHARS) return { encoding, block: { kind: 'malformed', problem: 'the signature block is implausibly large' } };
  const lines = endAt === 0 ? [] : rest.slice(0, endAt - 2).split('\r\n');
  let b64 = '';
  for (const [i, line] of lines.entries()) {
    const m = /^# ?([A-Za-z0-9+/=]*)$/.exec(line);
    if (!m) return { encoding, block: { kind: 'bad-base64', problem: `line ${i + 1} of the block is not base64` } };
    b64 += m[1];
  }
  if (b64.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return { encoding, block: { kind: 'bad-base64', problem: 'the block holds no valid base64' } };
  const der = Buffer.from(b64, 'base64');
  const after = rest.slice(endAt + END.length);
  if (after !== '' && after !== '\r\n') {
    return { encoding, block: { kind: 'trailing-data', der, content, problem: `${after.length} characters follow '${END}' and are not covered by the signature` } };
  }
  return { encoding, block: { kind: 'signed', der, content } };
}
