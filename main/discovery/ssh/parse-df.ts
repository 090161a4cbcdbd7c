import { lines, MAX_ENTRIES, unreadable } from './parse-common';

export interface FileSystem {
  source: string;
  type: string;
  sizeKiB: number;
  usedKiB: number;
  availKiB: number;
  mount: string;
}

/** Pseudo and in-memory file systems: not migrated, so not reported as partitions. */
export const PSEUDO_FS = new Set(['tmpfs', 'devtmpfs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'overlay', 'squashfs', 'ramfs', 'devpts', 'mqueue', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf', 'autofs', 'fusectl', 'configfs', 'hugetlbfs', 'efivarfs', 'nsfs', 'rpc_pipefs', 'binfmt_misc']);

/** `df -PT` (POSIX format with type, 1024-byte blocks). Mount points with spaces are kept whole. */
export function parseDf(out: string): FileSystem[] {
  const ls = lines(out);
  if (ls.length === 0 || !/^Filesystem\s+Type\s+/i.test(ls[0]!)) throw unreadable('df -PT', 'no "Filesystem Type" header');
  const res: FileSystem[] = [];
  for (const l of ls.slice(1)) {
    const m = /^(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+(\/.*)$/.exec(l);
    if (!m) continue;
    res.push({ source: m[1]!.slice(0, 256), type: m[2]!.slice(0, 64), sizeKiB: Number(m[3]), usedKiB: Number(m[4]), availKiB: Number(m[5]), mount: m[6]!.trimEnd().slice(0, 256) });
    if (res.length >= MAX_ENTRIES) break;
  }
  return res;
}
