import { lines, MAX_ENTRIES, MAX_TEXT, text, unreadable } from './parse-common';
import { PSEUDO_FS, type FileSystem } from './parse-df';
import type { Interface } from './parse-ip-addr';
import type { BlockDevice } from './parse-lsblk';
import type { Socket } from './parse-ss';

/**
 * Pure parsers of the kernel's own files, read over SFTP without running a command: `/proc/net/{tcp,tcp6,udp,udp6}`,
 * `/proc/net/route`, `/proc/net/fib_trie`, `/proc/net/if_inet6`, `/proc/mounts`, `/proc/uptime`, CPU lists, `/etc/hosts`,
 * an ELF header, and the values gathered from `/sys/block` and `/sys/class/net`. Like the command-output parsers they
 * return bounded results or throw `ssh-output-unreadable`.
 */

/** A socket of `/proc/net/*` with its inode (what `/proc/PID/fd/N -> socket:[inode]` names). */
export interface ProcSocket extends Socket {
  inode: number;
}

/** The TCP states of include/net/tcp_states.h, named as `ss` names them. */
const TCP_STATES: Record<string, string> = {
  '01': 'ESTAB',
  '02': 'SYN-SENT',
  '03': 'SYN-RECV',
  '04': 'FIN-WAIT-1',
  '05': 'FIN-WAIT-2',
  '06': 'TIME-WAIT',
  '07': 'UNCONN',
  '08': 'CLOSE-WAIT',
  '09': 'LAST-ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
  '0C': 'NEW-SYN-RECV',
};

/** The fourth field of a `/proc/net/tcp` line (`sl: local remote st …`): the socket's state. */
const STATE_FIELD = /^\s*\d+:\s+\S+\s+\S+\s+([0-9A-Fa-f]{2})\s/;

/** Four bytes of a `%08X` word printed from a network-order value read as a host integer. */
function wordBytes(hex: string, littleEndian: boolean): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return littleEndian ? b.reverse() : b;
}

/** RFC 5952 text of 16 bytes (longest run of zero groups compressed; IPv4-mapped as `::ffff:a.b.c.d`). */
export function ipv6Text(bytes: readonly number[]): string {
  const g = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${bytes.slice(12).join('.')}`;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** `0100007F` (IPv4) or 32 hex digits (IPv6) as `/proc/net/*` print them, in text. */
export function procAddress(hex: string, littleEndian = true): string | null {
  if (/^[0-9A-Fa-f]{8}$/.test(hex)) return wordBytes(hex, littleEndian).join('.');
  if (/^[0-9A-Fa-f]{32}$/.test(hex)) {
    const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8), littleEndian));
    return ipv6Text(bytes).replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  }
  return null;
}

/**
 * `/proc/net/tcp`, `tcp6`, `udp` or `udp6`: `sl local rem st queues timers retr uid timeout inode …`, addresses in
 * hex host order (`littleEndian` false for s390x and other big-endian kernels). Only what discovery uses is kept:
 * TCP in LISTEN or ESTAB, every UDP socket (an unconnected one is a bound port, as `ss` shows it).
 */
export function parseProcNetSockets(out: string, protocol: 'tcp' | 'udp', littleEndian = true): ProcSocket[] {
  const text = out.trimStart();
  const headerEnd = text.indexOf('\n');
  if (!/^sl\s+local_address\s/.test(headerEnd < 0 ? text : text.slice(0, headerEnd))) throw unreadable(`/proc/net/${protocol}`, 'no "sl local_address" header');
  const res: ProcSocket[] = [];
  // A busy server lists tens of thousands of TIME-WAIT sockets: the state is looked at first, and only the lines
  // kept are split into fields. Lines are walked in place (no array of them), at most MAX_ENTRIES × 64.
  let start = headerEnd < 0 ? text.length : headerEnd + 1;
  for (let n = 0; start < text.length && n < MAX_ENTRIES * 64; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const l = text.slice(start, end);
    start = end + 1;
    const head = STATE_FIELD.exec(l);
    if (!head) continue;
    const state = TCP_STATES[head[1]!.toUpperCase()];
    if (!state || (protocol === 'tcp' && state !== 'LISTEN' && state !== 'ESTAB')) continue;
    const p = l.trim().split(/\s+/);
    if (p.length < 10) continue;
    const [lh, lp] = p[1]!.split(':');
    const [rh, rp] = p[2]!.split(':');
    if (!lh || !lp || !rh || !rp || !/^[0-9A-Fa-f]{4}$/.test(lp) || !/^[0-9A-Fa-f]{4}$/.test(rp)) continue;
    const localIp = procAddress(lh, littleEndian);
    const peerIp = procAddress(rh, littleEndian);
    const inode = Number(p[9]);
    if (!localIp || !peerIp || !Number.isSafeInteger(inode) || inode < 0) continue;
    const peerPort = parseInt(rp, 16);
    // A listening or unconnected socket has no peer port (`*` in ss).
    res.push({ protocol, state, localIp, localPort: parseInt(lp, 16), peerIp, peerPort: state === 'LISTEN' || (state === 'UNCONN' && peerPort === 0) ? null : peerPort, inode });
    if (res.length >= MAX_ENTRIES) break;
  }
  return res;
}

/** `/proc/PID/task/TID/children`: the PIDs of a thread's children, space-separated; at most 65,536, the rest ignored. */
export function parseChildren(out: string): number[] {
  const res: number[] = [];
  for (const w of out.slice(0, MAX_CHILDREN_TEXT).split(/\s+/)) {
    if (!w) continue;
    if (!/^\d{1,10}$/.test(w)) throw unreadable('/proc/PID/task/TID/children', 'not a list of process ids');
    res.push(Number(w));
    if (res.length >= 65_536) break;
  }
  return res;
}
const MAX_CHILDREN_TEXT = 65_536 * 11;

/** CAP_SYS_PTRACE (include/uapi/linux/capability.h): lets a process look into any other's `/proc/PID/fd`. */
const CAP_SYS_PTRACE = 19n;

/**
 * `/proc/PID/status` (of the SFTP server: the login itself): its effective uid (`Uid:` real, effective, saved, fs)
 * and whether it may look into other users' processes (root, or `CapEff` holding CAP_SYS_PTRACE).
 */
export function parseStatusAccess(out: string): { euid: number; anyProcess: boolean } {
  const uid = /^Uid:\s+\d{1,10}\s+(\d{1,10})\b/m.exec(out.slice(0, 64 * 1024));
  if (!uid) throw unreadable('/proc/self/status', 'no Uid line');
  const cap = /^CapEff:\s+([0-9a-fA-F]{1,32})\s*$/m.exec(out.slice(0, 64 * 1024));
  const euid = Number(uid[1]);
  const ptrace = cap ? ((BigInt(`0x${cap[1]}`) >> CAP_SYS_PTRACE) & 1n) === 1n : false;
  return { euid, anyProcess: euid === 0 || ptrace };
}

/** The inode in `socket:[12345]` (a `/proc/PID/fd/N` link), else undefined. */
export function socketInode(link: string): number | undefined {
  const m = /^socket:\[(\d{1,15})\]$/.exec(link);
  return m ? Number(m[1]) : undefined;
}

export interface Route {
  iface: string;
  dest: number;
  mask: number;
  gateway: number;
}

const u32 = (hex: string, littleEndian: boolean) => wordBytes(hex, littleEndian).reduce((a, b) => a * 256 + b, 0);

/** `/proc/net/route`: `Iface Destination Gateway Flags RefCnt Use Metric Mask …`, addresses as numbers (a.b.c.d = a·2²⁴+…). */
export function parseRoutes(out: string, littleEndian = true): Route[] {
  const ls = lines(out, MAX_ENTRIES);
  if (ls.length === 0 || !/^Iface\s+Destination\s+Gateway/i.test(ls[0]!)) throw unreadable('/proc/net/route', 'no "Iface Destination Gateway" header');
  const res: Route[] = [];
  for (const l of ls.slice(1)) {
    const p = l.trim().split(/\s+/);
    if (p.length < 8 || ![p[1], p[2], p[7]].every((h) => /^[0-9A-Fa-f]{8}$/.test(h!))) continue;
    res.push({ iface: p[0]!.slice(0, 64), dest: u32(p[1]!, littleEndian), gateway: u32(p[2]!, littleEndian), mask: u32(p[7]!, littleEndian) });
  }
  return res;
}

/** The host's own IPv4 addresses in `/proc/net/fib_trie`: a leaf followed by `/32 host LOCAL`, each once. */
export function parseFibTrieLocal(out: string): string[] {
  const res: string[] = [];
  const seen = new Set<string>();
  let leaf: string | undefined;
  for (const l of lines(out, MAX_ENTRIES * 64)) {
    const m = /^\s*\|--\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/.exec(l);
    if (m) {
      leaf = m[1];
      continue;
    }
    if (leaf && /^\s*\/32\s+host\s+LOCAL\b/.test(l) && !seen.has(leaf)) {
      if (leaf.split('.').some((o) => Number(o) > 255)) continue;
      seen.add(leaf);
      res.push(leaf);
      if (res.length >= MAX_ENTRIES) break;
    }
  }
  if (res.length === 0 && !/^(Main|Local|Id \d+):/m.test(out)) throw unreadable('/proc/net/fib_trie', 'no routing table');
  return res;
}

export interface Inet6Address {
  iface: string;
  ip: string;
  /** 0x00 global, 0x10 host, 0x20 link, 0x40 site. */
  scope: number;
}

/** `/proc/net/if_inet6`: `address ifindex prefixlen scope flags name` (address in network order, 32 hex digits). */
export function parseIfInet6(out: string): Inet6Address[] {
  const res: Inet6Address[] = [];
  for (const l of lines(out, MAX_ENTRIES)) {
    const p = l.trim().split(/\s+/);
    if (p.length < 6 || !/^[0-9a-fA-F]{32}$/.test(p[0]!) || !/^[0-9a-fA-F]{2}$/.test(p[3]!)) continue;
    const bytes = Array.from({ length: 16 }, (_, i) => parseInt(p[0]!.slice(2 * i, 2 * i + 2), 16));
    res.push({ iface: p[5]!.slice(0, 64), ip: ipv6Text(bytes), scope: parseInt(p[3]!, 16) });
  }
  return res;
}

/** What `/sys/class/net/NAME/{address,flags}` said of one interface. */
export interface SysNetLink {
  name: string;
  address?: string;
  flags?: string;
}

const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const ipNum = (ip: string) => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
const maskLen = (mask: number) => mask.toString(2).replace(/0+$/, '').length;

/**
 * Interfaces as `ip -j addr` describes them, from sysfs links, the host's IPv4 addresses (fib_trie) placed on the
 * interface whose directly connected route holds them (longest prefix; loopback addresses on the loopback
 * interface) and the IPv6 addresses of `if_inet6` (link-local left out, as before). An IPv4 address no connected route
 * holds (a /32 with no peer route) goes on the only interface that is up, else is returned in `unplaced`.
 */
export function interfacesFromProc(links: readonly SysNetLink[], localIpv4: readonly string[], routes: readonly Route[], inet6: readonly Inet6Address[]): { interfaces: Interface[]; unplaced: string[] } {
  const interfaces: Interface[] = [];
  const byName = new Map<string, Interface>();
  for (const l of links.slice(0, MAX_ENTRIES)) {
    const name = text(l.name);
    if (!name || byName.has(name)) continue;
    const flags = l.flags && /^(0x)?[0-9a-fA-F]{1,8}$/.test(l.flags.trim()) ? parseInt(l.flags.trim(), 16) : 0;
    const loopback = (flags & IFF_LOOPBACK) !== 0;
    const i: Interface = { name, up: (flags & IFF_UP) !== 0, loopback, ipv4: [], ipv6: [] };
    const mac = l.address?.trim();
    if (mac && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac) && !loopback) i.mac = mac.toLowerCase();
    interfaces.push(i);
    byName.set(name, i);
  }
  const connected = routes.filter((r) => r.gateway === 0 && byName.has(r.iface)).sort((a, b) => maskLen(b.mask) - maskLen(a.mask));
  const lo = interfaces.find((i) => i.loopback);
  const up = interfaces.filter((i) => i.up && !i.loopback);
  const unplaced: string[] = [];
  for (const ip of localIpv4) {
    const n = ipNum(ip);
    let target: Interface | undefined;
    if (ip.startsWith('127.')) target = lo;
    else {
      const r = connected.find((c) => ((n & c.mask) >>> 0) === ((c.dest & c.mask) >>> 0) && c.mask !== 0);
      target = r ? byName.get(r.iface) : up.length === 1 ? up[0] : undefined;
    }
    if (target && target.ipv4.length < 256) target.ipv4.push(ip);
    else if (!target) unplaced.push(ip);
  }
  for (const a of inet6) {
    const i = byName.get(a.iface);
    if (i && a.scope !== 0x20 && i.ipv6.length < 256) i.ipv6.push(a.ip.slice(0, 64));
  }
  return { interfaces, unplaced };
}

export interface Mount {
  source: string;
  mount: string;
  type: string;
}

/** `/proc/mounts` (fstab format; spaces, tabs, newlines and backslashes in names written as `\040`, `\011`, `\012`, `\134`). */
export function parseMounts(out: string): Mount[] {
  const un = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const res: Mount[] = [];
  for (const l of lines(out, MAX_ENTRIES * 4)) {
    const p = l.trim().split(/\s+/);
    if (p.length < 3 || !p[1]!.startsWith('/')) continue;
    res.push({ source: un(p[0]!).slice(0, MAX_TEXT), mount: un(p[1]!).slice(0, MAX_TEXT), type: p[2]!.slice(0, 64) });
    if (res.length >= MAX_ENTRIES) break;
  }
  if (res.length === 0) throw unreadable('/proc/mounts', 'no mount entries');
  return res;
}

/**
 * The mounts `df -PT` shows, before their sizes are asked: no pseudo file systems, a mount point mounted over shows
 * its last mount, and a device mounted in several places (bind mounts) shows once, at its shortest mount point.
 */
export function realMounts(mounts: readonly Mount[]): Mount[] {
  const byMount = new Map<string, Mount>();
  for (const m of mounts) {
    if (PSEUDO_FS.has(m.type)) continue;
    byMount.delete(m.mount);
    byMount.set(m.mount, m);
  }
  const byDevice = new Map<string, Mount>();
  const res: Mount[] = [];
  for (const m of byMount.values()) {
    if (!m.source.startsWith('/')) {
      res.push(m);
      continue;
    }
    const prev = byDevice.get(m.source);
    if (!prev) byDevice.set(m.source, m);
    else if (m.mount.length < prev.mount.length) byDevice.set(m.source, m);
  }
  const keep = new Set([...res, ...byDevice.values()]);
  return [...byMount.values()].filter((m) => keep.has(m));
}

/** `statvfs` of a mount point as `df -P` counts it (1024-byte blocks; used = blocks − free, available to non-root). */
export function fileSystemFromStatvfs(m: Mount, s: { frsize: number; blocks: number; bfree: number; bavail: number }): FileSystem | undefined {
  const k = s.frsize / 1024;
  if (![s.frsize, s.blocks, s.bfree, s.bavail].every((n) => Number.isFinite(n) && n >= 0) || s.blocks === 0 || k <= 0) return undefined;
  return { source: m.source, type: m.type, sizeKiB: Math.round(s.blocks * k), usedKiB: Math.round((s.blocks - s.bfree) * k), availKiB: Math.round(s.bavail * k), mount: m.mount };
}

/** `/proc/uptime`: seconds since boot (the host's monotonic clock), in ms. */
export function parseUptime(out: string): number {
  const m = /^\s*(\d{1,12}(?:\.\d{1,9})?)\s/.exec(`${out} `);
  if (!m) throw unreadable('/proc/uptime', 'no seconds since boot');
  return Math.round(Number(m[1]) * 1000);
}

/** A kernel CPU list (`/sys/devices/system/cpu/online`: `0-3,6,8-9`): how many CPUs it names. */
export function parseCpuList(out: string): number {
  const t = out.trim();
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(t) || t.length > 10_000) throw unreadable('CPU list', 'not a list of CPU ranges');
  let n = 0;
  for (const part of t.split(',')) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : Math.max(0, b - a! + 1);
  }
  if (n <= 0 || n > 1_000_000) throw unreadable('CPU list', 'no CPUs');
  return n;
}

/**
 * What `hostname -f` answers from `/etc/hosts` (the first source of the usual `hosts: files dns`): the canonical,
 * first name of the first line that lists the host name. Undefined when no line does (then only DNS would know).
 */
export function fqdnFromHosts(hosts: string, hostname: string): string | undefined {
  const want = hostname.toLowerCase();
  for (const l of lines(hosts, 100_000)) {
    const p = l.replace(/#.*/, '').trim().split(/\s+/);
    if (p.length < 2) continue;
    if (p.slice(1).some((n) => n.toLowerCase() === want)) return text(p[1]);
  }
  return undefined;
}

const ELF_MACHINES: Record<number, string> = { 0x03: 'i686', 0x08: 'mips', 0x14: 'ppc', 0x15: 'ppc64', 0x16: 's390x', 0x28: 'armv7l', 0x2b: 'sparc64', 0x3e: 'x86_64', 0xb7: 'aarch64', 0xf3: 'riscv64', 0x102: 'loongarch64' };

/**
 * The machine (as `uname -m` names it) and byte order from an ELF header (`/proc/self/exe` of the SFTP server),
 * for kernels without `/proc/sys/kernel/arch`.
 */
export function elfMachine(head: Uint8Array): { machine?: string; littleEndian: boolean } {
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) throw unreadable('ELF header', 'not an ELF file');
  const littleEndian = head[5] !== 2;
  const em = littleEndian ? head[18]! | (head[19]! << 8) : (head[18]! << 8) | head[19]!;
  let machine = ELF_MACHINES[em];
  if (machine === 'ppc64' && littleEndian) machine = 'ppc64le';
  if (machine === 'aarch64' && head[4] === 1) machine = 'armv8l';
  return { ...(machine ? { machine } : {}), littleEndian };
}

/** Kernels whose `/proc/net/*` hex words are big-endian (by `uname -m`). */
export function bigEndianMachine(machine: string | undefined): boolean {
  return !!machine && /^(s390|ppc64$|ppc$|sparc|mips$|mips64$|m68k|parisc|or1k)/.test(machine);
}

/** What the collector read of one `/sys/block/NAME` entry. */
export interface SysBlock {
  name: string;
  /** `size`: 512-byte sectors, whatever the logical block size. */
  size?: string;
  model?: string;
  serial?: string;
  /** `dm/name`, `dm/uuid` of a device-mapper device. */
  dmName?: string;
  dmUuid?: string;
  /** `md/level` of an MD RAID device (`raid1`). */
  mdLevel?: string;
  /** `device/type` of a SCSI device (5: CD/DVD). */
  scsiType?: string;
  partitions: { name: string; size?: string }[];
  /** `slaves/`: what a dm or md device is built on (partitions or disks). */
  slaves: string[];
}

const sectors = (s: string | undefined) => {
  const n = s !== undefined && /^\s*\d{1,20}\s*$/.test(s) ? Number(s) : 0;
  return Number.isFinite(n) ? n * 512 : 0;
};

/**
 * `/sys/block` as `lsblk` lists it: disks (type `disk`, `rom`, `loop`), their partitions (`part`), device-mapper (`lvm`
 * for LVM volumes, `crypt`, `mpath`, else `dm`, named by `dm/name`) and MD (`raid1`…) devices with the disk they sit on;
 * file-system type and mount point from `/proc/mounts` (`/dev/NAME` or `/dev/mapper/NAME`). Empty loop devices and
 * RAM disks are left out, as lsblk leaves them.
 */
export function blockDevicesFromSysfs(devices: readonly SysBlock[], mounts: readonly Mount[]): BlockDevice[] {
  const mountOf = new Map<string, Mount>();
  for (const m of mounts) if (m.source.startsWith('/dev/') && !mountOf.has(m.source)) mountOf.set(m.source, m);
  const partOf = new Map<string, string>();
  for (const d of devices) for (const p of d.partitions) partOf.set(p.name, d.name);
  const res: BlockDevice[] = [];
  const add = (b: BlockDevice, paths: string[]) => {
    const m = paths.map((p) => mountOf.get(p)).find(Boolean);
    if (m) {
      b.fstype = m.type;
      b.mountpoint = m.mount;
    }
    if (res.length < MAX_ENTRIES) res.push(b);
  };
  for (const d of devices) {
    const name = text(d.name);
    if (!name || /^ram\d/.test(name)) continue;
    const size = sectors(d.size);
    if (/^loop\d/.test(name) && size === 0) continue;
    let type = 'disk';
    let shown = name;
    let disk = name;
    if (d.dmName !== undefined || /^dm-\d+$/.test(name)) {
      const uuid = d.dmUuid ?? '';
      type = uuid.startsWith('LVM-') ? 'lvm' : uuid.startsWith('CRYPT-') ? 'crypt' : uuid.startsWith('mpath-') ? 'mpath' : 'dm';
      shown = text(d.dmName) ?? name;
    } else if (d.mdLevel !== undefined || /^md\d/.test(name)) type = text(d.mdLevel) ?? 'md';
    else if (/^loop\d/.test(name)) type = 'loop';
    else if (d.scsiType?.trim() === '5' || /^sr\d/.test(name)) type = 'rom';
    if (type !== 'disk' && d.slaves.length) disk = partOf.get(d.slaves[0]!) ?? d.slaves[0]!;
    const b: BlockDevice = { name: shown, type, sizeBytes: size, disk };
    const model = text(d.model);
    const serial = text(d.serial);
    if (model) b.model = model;
    if (serial) b.serial = serial;
    add(b, [`/dev/${name}`, `/dev/${shown}`, `/dev/mapper/${shown}`]);
    for (const p of d.partitions) {
      const pn = text(p.name);
      if (pn) add({ name: pn, type: 'part', sizeBytes: sectors(p.size), disk: name }, [`/dev/${pn}`]);
    }
  }
  return res;
}
