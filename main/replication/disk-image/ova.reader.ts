import { readAt, SliceSource, type ByteSource } from './byte-source';
import { fail } from './errors';
import { VmdkImage, VMDK_MAGIC } from './vmdk.reader';

/*
 * The disks of an OVA (OVF DSP0243: an uncompressed ustar archive). Members are located by walking the 512-byte
 * headers; a VMDK member is then read in place through a window of the archive (never extracted). OVA disks are
 * streamOptimized or monolithicSparse VMDKs; anything else inside is refused.
 */

const BLOCK = 512;
const MAX_MEMBERS = 10_000;

export interface OvaMember {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

function text(h: Buffer, at: number, len: number): string {
  const raw = h.subarray(at, at + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function octal(h: Buffer, at: number, len: number): number {
  if (h[at]! & 0x80) {
    let v = 0;
    for (let i = at + 1; i < at + len; i++) v = v * 256 + h[i]!;
    return v;
  }
  const s = text(h, at, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) fail('corrupt-header', 'a tar header number is malformed');
  return parseInt(s, 8);
}

export function isTarHeader(h: Buffer): boolean {
  if (h.length < BLOCK || h.toString('latin1', 257, 262) !== 'ustar') return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  try {
    return sum === octal(h, 148, 8);
  } catch {
    return false;
  }
}

/** The regular-file members of the archive, in order. */
export async function listOvaMembers(src: ByteSource): Promise<OvaMember[]> {
  const members: OvaMember[] = [];
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= src.size && members.length < MAX_MEMBERS) {
    const h = await readAt(src, at, BLOCK, 'tar header');
    if (h.every((b) => b === 0)) break;
    if (!isTarHeader(h)) fail('corrupt-header', 'a tar header in the OVA is invalid');
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const dataAt = at + BLOCK;
    if (dataAt + size > src.size) fail('truncated', 'an OVA member runs past the end of the archive');
    const prefix = text(h, 345, 155);
    let name = prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100);
    if (type === 'L' || type === 'x') {
      if (size > 64 * 1024) fail('corrupt-header', 'a tar extended header is too large');
      const data = (await readAt(src, dataAt, size, 'tar extended header')).toString('utf8');
      longName = type === 'L' ? data.replace(/\0[\s\S]*$/, '') : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data)?.[1];
    } else {
      if (longName) name = longName;
      longName = undefined;
      if (type === '0' || type === '\0') members.push({ name: name.replace(/^\.\//, ''), offset: dataAt, size });
    }
    at = dataAt + Math.ceil(size / BLOCK) * BLOCK;
  }
  return members;
}

/** Opens one VMDK of the OVA (by name, else the first `.vmdk` member) in place. */
export async function openOvaDisk(src: ByteSource, disk?: string): Promise<VmdkImage> {
  const members = await listOvaMembers(src);
  const member = disk !== undefined ? members.find((m) => m.name === disk) : members.find((m) => /\.vmdk$/i.test(m.name));
  if (!member) fail(disk !== undefined ? 'not-found' : 'unsupported-format', disk !== undefined ? 'the OVA has no disk of that name' : 'the OVA holds no VMDK disk');
  const window = new SliceSource(src, member.offset, member.size, `${src.path}#${member.name}`);
  if (member.size < BLOCK || (await readAt(window, 0, 4, 'OVA disk')).readUInt32LE(0) !== VMDK_MAGIC) fail('unsupported-format', 'the OVA disk is not a sparse or stream-optimized VMDK');
  return VmdkImage.openSparse(window, undefined, { owns: false, format: 'ova' });
}
