import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sharedPath } from './shared';

/*
 * Disk images for the replication readers, made by qemu-img/qemu-io at test time (never committed): the peers'
 * make-disk-images.sh set, plus the chains, split VMDKs and differencing VHDs the readers must also handle.
 */
export const run = promisify(execFile);

export async function qemuImg(...args: string[]): Promise<string> {
  return (await run('qemu-img', args, { maxBuffer: 64 << 20, timeout: 120_000 })).stdout;
}

export async function qemuIo(format: string, file: string, ...commands: string[]): Promise<void> {
  await run('qemu-io', ['-f', format, ...commands.flatMap((c) => ['-c', c]), file], { timeout: 120_000 });
}

/** Runs ../shared/peers/make-disk-images.sh into dir (size in MiB). */
export async function makePeerImages(dir: string, mib = 32): Promise<void> {
  await run('bash', [sharedPath('peers', 'make-disk-images.sh'), dir, String(mib)], { timeout: 180_000 });
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** SHA-256 of `qemu-img convert -O raw` of the image (the reference content). */
export async function qemuRawSha256(file: string, format: string, tmp: string): Promise<string> {
  const out = path.join(tmp, `ref-${path.basename(file)}-${Date.now()}.raw`);
  await qemuImg('convert', '-f', format, '-O', 'raw', file, out);
  try {
    return await sha256File(out);
  } finally {
    await run('rm', ['-f', out]);
  }
}

export interface MapEntry {
  offset: number;
  length: number;
  data: boolean;
}

/** `qemu-img map --output=json`, reduced to data/no-data runs and merged. */
export async function qemuMap(file: string, format: string): Promise<MapEntry[]> {
  const entries = JSON.parse(await qemuImg('map', '-f', format, '--output=json', file)) as Array<{ start: number; length: number; data: boolean }>;
  return mergeRuns(entries.map((e) => ({ offset: e.start, length: e.length, data: e.data })));
}

export function mergeRuns(runs: Iterable<MapEntry>): MapEntry[] {
  const out: MapEntry[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && last.data === r.data && last.offset + last.length === r.offset) last.length += r.length;
    else out.push({ ...r });
  }
  return out;
}

function vhdChecksum(b: Buffer, at: number, len: number, skip: number): number {
  let sum = 0;
  for (let i = at; i < at + len; i++) if (i < at + skip || i >= at + skip + 4) sum += b[i]!;
  return ~sum >>> 0;
}

/**
 * Turns a dynamic VHD written by qemu-img into a differencing VHD whose parent is `parentName` (qemu-img cannot
 * create differencing VHDs): disk type 4, parent Unicode name and a W2ru locator, checksums recomputed.
 * `clearSectors(blockIndex)` lists sectors whose bitmap bit is cleared so they show the parent through.
 */
export async function makeDifferencingVhd(dynamicVhd: string, parentName: string, parentUuid: Buffer, clear: Array<{ block: number; sectors: number[] }> = []): Promise<void> {
  const b = await readFile(dynamicVhd);
  const footerAt = b.length - 512;
  const headerAt = Number(b.readBigUInt64BE(16));
  const locatorData = Buffer.from(`.\\${parentName}`, 'utf16le');
  const locatorSector = Buffer.alloc(512);
  locatorData.copy(locatorSector);
  const out = Buffer.concat([b.subarray(0, footerAt), locatorSector, b.subarray(footerAt)]);
  const newFooterAt = out.length - 512;
  for (const f of [0, newFooterAt]) {
    out.writeUInt32BE(4, f + 60);
    out.writeUInt32BE(vhdChecksum(out, f, 512, 64), f + 64);
  }
  const h = headerAt;
  parentUuid.copy(out, h + 40);
  Buffer.alloc(512).copy(out, h + 64);
  Buffer.from(parentName, 'utf16le').swap16().copy(out, h + 64);
  const e = h + 576;
  out.write('W2ru', e, 'latin1');
  out.writeUInt32BE(512, e + 4);
  out.writeUInt32BE(locatorData.length, e + 8);
  out.writeBigUInt64BE(BigInt(footerAt), e + 16);
  const batAt = Number(out.readBigUInt64BE(h + 16));
  for (const c of clear) {
    const entry = out.readUInt32BE(batAt + c.block * 4);
    if (entry === 0xffffffff) throw new Error(`block ${c.block} is not allocated in the child`);
    for (const s of c.sectors) out[entry * 512 + (s >> 3)]! &= ~(0x80 >> (s & 7));
  }
  out.writeUInt32BE(vhdChecksum(out, h, 1024, 36), h + 36);
  await writeFile(dynamicVhd, out);
}
