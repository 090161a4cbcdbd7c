import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { throwIfAborted } from '../../common/util/cancel';
import { DiscoveryError, excerpt } from '../errors';

/**
 * VMware Workstation and Fusion VMs from their `.vmx` files in a folder (recursive, bounded), with each disk's
 * capacity read from its VMDK (the descriptor's extents, or the sparse header of a monolithic disk).
 */

export interface VmxDisk {
  /** `scsi0:0`, `sata0:1`, `nvme0:0`, `ide0:0`. */
  slot: string;
  bus: 'scsi' | 'sata' | 'nvme' | 'ide';
  fileName: string;
  /** The VMDK path resolved against the .vmx folder. */
  path: string;
  capacityBytes?: number;
  /** Bytes the VMDK's files take on disk (descriptor extents, or the one sparse file). */
  usedBytes?: number;
  /** From the VMDK createType: sparse (grows) or flat (preallocated). */
  thin?: boolean;
  createType?: string;
  /** independent-persistent, independent-nonpersistent, persistent… */
  mode?: string;
}

export interface VmxNic {
  slot: string;
  mac?: string;
  /** nat, bridged, hostonly, custom… */
  connectionType?: string;
  network?: string;
  virtualDev?: string;
  connected?: boolean;
}

export interface VmxVm {
  file: string;
  displayName: string;
  guestOS?: string;
  numvcpus: number;
  coresPerSocket?: number;
  memsizeMiB: number;
  firmware?: string;
  secureBoot?: boolean;
  /** uuid.bios as a standard UUID. */
  biosUuid?: string;
  annotation?: string;
  /** From files next to the .vmx: a lock folder (running) or a suspend state (suspended). */
  power?: 'poweredOn' | 'suspended' | 'poweredOff';
  disks: VmxDisk[];
  nics: VmxNic[];
}

const MAX_VMX_BYTES = 1024 * 1024;

/**
 * Parses a .vmx: `key = "value"` a line, `#` comments; keys are case-insensitive (kept lower-case); a value's
 * special characters are written `|XX` (hex), so `|22` is a quote and `|0A` a line break.
 */
export function parseVmx(text: string): Map<string, string> {
  if (text.length > MAX_VMX_BYTES) throw new DiscoveryError('discovery-malformed-response', 'A .vmx file is larger than 1 MiB; it is not a VM configuration.');
  const m = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const kv = /^([A-Za-z0-9_.:[\]-]+)\s*=\s*(?:"([^"]*)"|(\S*))\s*(?:#.*)?$/.exec(line);
    if (!kv) continue;
    const v = (kv[2] ?? kv[3] ?? '').replace(/\|([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    m.set(kv[1]!.toLowerCase(), v);
  }
  return m;
}

const bool = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : /^(true|yes|1|on)$/i.test(v.trim()));
const int = (v: string | undefined): number | undefined => (v !== undefined && /^\s*\d{1,9}\s*$/.test(v) ? Number(v) : undefined);

/** `uuid.bios = "56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"` as `564d1234-5678-9abc-def0-123456789abc`. */
export function vmxUuid(v: string | undefined): string | undefined {
  const hex = (v ?? '').replace(/[\s-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One VM from a parsed .vmx (disk paths resolved against `dir`; sizes are read later). */
export function vmFromVmx(m: Map<string, string>, file: string): VmxVm {
  const dir = path.dirname(file);
  const disks: VmxDisk[] = [];
  const nics: VmxNic[] = [];
  for (const [key, fileName] of m) {
    const d = /^(scsi|sata|nvme|ide)(\d{1,2}):(\d{1,3})\.filename$/.exec(key);
    if (!d || !fileName) continue;
    const slot = `${d[1]}${d[2]}:${d[3]}`;
    if (bool(m.get(`${slot}.present`)) === false || bool(m.get(`${d[1]}${d[2]}.present`)) === false) continue;
    const type = (m.get(`${slot}.devicetype`) ?? '').toLowerCase();
    // CD/DVD images and host drives share the slots; a disk is a .vmdk or a disk device type.
    if (type.startsWith('cdrom') || type === 'atapi-cdrom' || (!/\.vmdk$/i.test(fileName) && !/harddisk|disk$/.test(type))) continue;
    const mode = m.get(`${slot}.mode`);
    disks.push({ slot, bus: d[1] as VmxDisk['bus'], fileName, path: path.resolve(dir, fileName), ...(mode ? { mode } : {}) });
  }
  for (const [key, present] of m) {
    const e = /^(ethernet\d{1,2})\.present$/.exec(key);
    if (!e || bool(present) !== true) continue;
    const s = e[1]!;
    const mac = m.get(`${s}.address`) || m.get(`${s}.generatedaddress`);
    const conn = m.get(`${s}.connectiontype`);
    const net = m.get(`${s}.vnet`) ?? m.get(`${s}.pvnid`);
    const dev = m.get(`${s}.virtualdev`);
    const connected = bool(m.get(`${s}.startconnected`));
    nics.push({
      slot: s,
      ...(mac && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac) ? { mac: mac.toLowerCase() } : {}),
      ...(conn ? { connectionType: conn } : {}),
      ...(net ? { network: net } : {}),
      ...(dev ? { virtualDev: dev } : {}),
      ...(connected !== undefined ? { connected } : {}),
    });
  }
  disks.sort((a, b) => a.slot.localeCompare(b.slot, 'en', { numeric: true }));
  nics.sort((a, b) => a.slot.localeCompare(b.slot, 'en', { numeric: true }));
  const biosUuid = vmxUuid(m.get('uuid.bios'));
  const cores = int(m.get('cpuid.corespersocket'));
  const secureBoot = bool(m.get('uefi.secureboot.enabled'));
  const opt = (k: string, key: string) => (m.get(key) ? { [k]: m.get(key)! } : {});
  return {
    file,
    displayName: m.get('displayname') || path.basename(file, path.extname(file)),
    ...opt('guestOS', 'guestos'),
    numvcpus: int(m.get('numvcpus')) ?? 1,
    ...(cores && cores >= 1 ? { coresPerSocket: cores } : {}),
    memsizeMiB: int(m.get('memsize')) ?? 0,
    ...opt('firmware', 'firmware'),
    ...(secureBoot !== undefined ? { secureBoot } : {}),
    ...(biosUuid ? { biosUuid } : {}),
    ...opt('annotation', 'annotation'),
    disks,
    nics,
  };
}

/**
 * A VMDK's capacity: a text descriptor sums its extents (`RW 41943040 SPARSE "x-s001.vmdk"`, in 512-byte sectors);
 * a monolithic sparse file starts with the `KDMV` header whose capacity (sectors, little-endian u64) is at byte 12.
 */
export function vmdkInfo(head: Buffer): { capacityBytes?: number; createType?: string; thin?: boolean; extents?: string[] } {
  if (head.length >= 20 && head.readUInt32LE(0) === 0x564d444b) {
    const sectors = head.readBigUInt64LE(12);
    const descOffset = head.length >= 36 ? Number(head.readBigUInt64LE(28)) * 512 : 0;
    const descSize = head.length >= 44 ? Number(head.readBigUInt64LE(36)) * 512 : 0;
    const desc = descOffset > 0 && descOffset < head.length ? head.subarray(descOffset, Math.min(head.length, descOffset + descSize)).toString('latin1') : '';
    const createType = /createType\s*=\s*"([^"]*)"/i.exec(desc)?.[1] ?? 'monolithicSparse';
    return { ...(sectors <= BigInt(Number.MAX_SAFE_INTEGER) / 512n ? { capacityBytes: Number(sectors) * 512 } : {}), createType, thin: !/flat|preallocated|eager/i.test(createType) };
  }
  const text = head.subarray(0, 64 * 1024).toString('latin1');
  if (!/^#\s*Disk\s*DescriptorFile/im.test(text) && !/createType\s*=/i.test(text)) return {};
  let sectors = 0;
  for (const m of text.matchAll(/^\s*(?:RW|RDONLY|NOACCESS)\s+(\d{1,15})\s+\w+/gim)) sectors += Number(m[1]);
  const createType = /createType\s*=\s*"([^"]*)"/i.exec(text)?.[1];
  const extents = [...text.matchAll(/^\s*(?:RW|RDONLY|NOACCESS)\s+\d+\s+\w+\s+"([^"]{1,1024})"/gim)].map((m) => m[1]!).slice(0, 4096);
  return {
    ...(extents.length ? { extents } : {}),
    ...(sectors > 0 && Number.isSafeInteger(sectors * 512) ? { capacityBytes: sectors * 512 } : {}),
    ...(createType ? { createType, thin: !/flat|preallocated|eager|rawdevice/i.test(createType) } : {}),
  };
}

export interface VmxDiscoveryOptions {
  folder: string;
  /** Folders looked into at most (default 10,000) and depth (default 8): a home folder is not searched forever. */
  maxDirs?: number;
  maxDepth?: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number | null, message: string) => void;
}

/** Finds .vmx files under `folder` (breadth first, bounded; symbolic links are not followed). */
export async function findVmxFiles(folder: string, maxDirs = 10_000, maxDepth = 8, signal?: AbortSignal): Promise<{ files: string[]; truncated: boolean }> {
  const root = path.resolve(folder);
  const st = await fs.stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new DiscoveryError('discovery-unreachable', `${excerpt(root, 200)} is not a folder that can be read.`);
  const files: string[] = [];
  let queue: string[] = [root];
  let seen = 0;
  for (let depth = 0; depth <= maxDepth && queue.length; depth++) {
    const next: string[] = [];
    for (const dir of queue) {
      throwIfAborted(signal, 'Discovery cancelled.');
      if (++seen > maxDirs) return { files: files.sort(), truncated: true };
      let entries: Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable sub-folder: skipped
      }
      for (const e of entries) {
        if (e.isDirectory() && !e.name.endsWith('.lck')) next.push(path.join(dir, e.name));
        else if (e.isFile() && /\.vmx$/i.test(e.name)) files.push(path.join(dir, e.name));
      }
    }
    queue = next;
  }
  return { files: files.sort(), truncated: queue.length > 0 };
}

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const h = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await h.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

/** Reads every .vmx under the folder and the capacity of each disk. Unreadable files are warnings, not failures. */
export async function discoverVmx(o: VmxDiscoveryOptions): Promise<{ folder: string; vms: VmxVm[]; warnings: string[] }> {
  const folder = path.resolve(o.folder);
  o.progress?.(0, null, 'Looking for .vmx files');
  const { files, truncated } = await findVmxFiles(folder, o.maxDirs, o.maxDepth, o.signal);
  const warnings: string[] = truncated ? [`The folder has more sub-folders than are searched (${o.maxDirs ?? 10_000}, depth ${o.maxDepth ?? 8}); point --folder at the VMs' folder.`] : [];
  const vms: VmxVm[] = [];
  for (const [i, file] of files.entries()) {
    throwIfAborted(o.signal, 'Discovery cancelled.');
    o.progress?.(i, files.length, `Reading ${path.basename(file)}`);
    let vm: VmxVm;
    let m: Map<string, string>;
    try {
      const st = await fs.stat(file);
      if (st.size > MAX_VMX_BYTES) throw new DiscoveryError('discovery-malformed-response', 'larger than 1 MiB');
      m = parseVmx(await fs.readFile(file, 'utf8'));
      vm = vmFromVmx(m, file);
    } catch (err) {
      warnings.push(`${path.relative(folder, file)} was skipped: ${err instanceof Error ? excerpt(err.message, 120) : 'unreadable'}.`);
      continue;
    }
    for (const d of vm.disks) {
      try {
        const { extents, ...info } = vmdkInfo(await readHead(d.path, 64 * 1024));
        Object.assign(d, info);
        // Space on disk: the extent files a descriptor names (next to it), or the single sparse file itself.
        const files = extents ? extents.map((e) => path.resolve(path.dirname(d.path), e)) : info.capacityBytes !== undefined ? [d.path] : [];
        const sizes = await Promise.all(files.map((f) => fs.stat(f).then((st) => st.size, () => undefined)));
        if (files.length && sizes.every((x) => x !== undefined)) d.usedBytes = sizes.reduce((a, b) => a! + b!, 0)!;
      } catch {
        warnings.push(`${vm.displayName}: ${d.fileName} cannot be read; its size is unknown.`);
      }
    }
    const dir = path.dirname(file);
    const siblings = await fs.readdir(dir).catch(() => [] as string[]);
    const vmss = m.get('checkpoint.vmstate');
    if (siblings.some((s) => s.toLowerCase() === `${path.basename(file).toLowerCase()}.lck`)) vm.power = 'poweredOn';
    // checkpoint.vmState names the suspend file (empty when not suspended); without the key, a NAME*.vmss next to it.
    else if (m.has('checkpoint.vmstate') ? !!vmss && siblings.includes(path.basename(vmss)) : siblings.some((s) => s.toLowerCase().startsWith(path.basename(file, path.extname(file)).toLowerCase()) && /\.vmss$/i.test(s))) vm.power = 'suspended';
    else vm.power = 'poweredOff';
    vms.push(vm);
  }
  return { folder, vms, warnings };
}
