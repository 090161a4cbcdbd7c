import type { Connection } from '../../common/model/connections';
import type { Disk, Nic, Partition, Server, Utilization } from '../../common/model/server';
import type { CpuInfo } from './parse-cpu';
import type { BlockDevice } from './parse-lsblk';
import { PSEUDO_FS, type FileSystem } from './parse-df';
import type { Interface } from './parse-ip-addr';
import type { OsRelease } from './parse-os-release';
import { isLoopback, isWildcard, listeningPorts, type Socket } from './parse-ss';
import type { RunningService } from './parse-systemctl';

/** What SSH discovery learned about one host, before it becomes an inventory server. */
export interface HostFacts {
  /** What the user named (alias or address), the address dialled and the login used. */
  target: { name: string; host: string; port: number; user: string };
  hostname: string;
  fqdn?: string;
  /** Where the FQDN was read (`hostname -f` by the shell fallback; a file over SFTP: see `fqdnFromFiles`). */
  fqdnSource?: string;
  machineId?: string;
  os?: OsRelease;
  kernel?: { kernel: string; release?: string; machine?: string };
  cpu: CpuInfo;
  memoryMiB: number;
  blockDevices: BlockDevice[];
  fileSystems: FileSystem[];
  interfaces: Interface[];
  sockets: Socket[];
  services: RunningService[];
  utilization?: Utilization;
  /**
   * How the facts were read: `sftp` from the host's files over SFTP (no command run), `shell` by the one batched
   * command script (the server refused SFTP). Absent: `shell`. Decides what the provenance names.
   */
  via?: 'sftp' | 'shell';
  /** Facts that could not be read (command missing, not permitted), said for the report. */
  warnings: string[];
  discoveredAt: string;
}

const MiB = 1024 * 1024;
const cap = (s: string, n = 1000) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Free space of a live file system moves by megabytes from second to second (logs, caches); kept to the GiB on file
 * systems of 8 GiB and more so that a re-run of an idle estate leaves the server unchanged.
 */
export function freeMiB(sizeKiB: number, availKiB: number): number {
  const mib = availKiB / 1024;
  return sizeKiB >= 8 * 1024 * 1024 ? Math.round(mib / 1024) * 1024 : Math.round(mib);
}

/** The source name of SSH-discovered servers (one scope for "gone" in the merge). */
export const SSH_SOURCE_NAME = 'SSH discovery';

/** What the provenance names as the source of each field, by how the facts were read. */
const SOURCES = {
  shell: { name: 'hostname', cpuCount: 'nproc', disks: 'lsblk -J', partitions: 'df -PT', nics: 'ip -j addr', listening: 'ss', services: 'systemctl list-units', descriptions: 'systemctl list-units', kernel: 'uname -srm' },
  sftp: {
    name: '/proc/sys/kernel/hostname',
    cpuCount: '/sys/devices/system/cpu/online',
    disks: '/sys/block',
    partitions: '/proc/mounts + statvfs',
    nics: '/sys/class/net, /proc/net/fib_trie, /proc/net/if_inet6',
    listening: '/proc/net/tcp, tcp6, udp, udp6',
    services: 'systemd cgroups',
    descriptions: 'systemd unit files',
    kernel: '/proc/sys/kernel',
  },
} as const;

/** Turns host facts into an inventory server; every field says where it came from. */
export function factsToServer(f: HostFacts): Server {
  // No time in the provenance: a re-run that finds the same facts leaves the server unchanged.
  const origin = `ssh ${f.target.user}@${f.target.name}${f.target.port === 22 ? '' : `:${f.target.port}`}`;
  const prov: Record<string, string> = {};
  const from = (field: string, cmd: string) => (prov[field] = `${cmd} (${origin})`);
  const src = SOURCES[f.via ?? 'shell'];
  const osText = f.os?.prettyName ?? [f.os?.name, f.os?.version].filter(Boolean).join(' ');
  const disks: Disk[] = f.blockDevices
    .filter((d) => d.type === 'disk' && d.sizeBytes > 0 && !/^(zram|ram|loop)/.test(d.name))
    .map((d) => ({ label: d.name, capacityMiB: Math.round(d.sizeBytes / MiB), path: `/dev/${d.name}`, ...(d.model ? { controller: d.model } : {}) }));
  const partitions: Partition[] = f.fileSystems
    .filter((fs) => !PSEUDO_FS.has(fs.type) && fs.sizeKiB > 0)
    .map((fs) => ({ path: fs.mount, capacityMiB: Math.round(fs.sizeKiB / 1024), freeMiB: freeMiB(fs.sizeKiB, fs.availKiB) }));
  const nics: Nic[] = f.interfaces
    .filter((i) => !i.loopback && (i.ipv4.length > 0 || i.ipv6.length > 0 || (i.up && i.mac !== undefined)))
    .map((i) => ({ label: i.name, ipv4: i.ipv4, ipv6: i.ipv6, connected: i.up, ...(i.mac ? { mac: i.mac } : {}) }));
  const listening = listeningPorts(f.sockets).filter((p) => !p.loopbackOnly);
  const tags: Record<string, string> = {};
  if (listening.length) {
    tags['ssh.listening'] = cap(listening.map((p) => `${p.port}/${p.protocol}${p.process ? ` ${p.process}` : ''}`).join(', '));
    from('tags.ssh.listening', src.listening);
  }
  if (f.services.length) {
    tags['ssh.services'] = cap(f.services.map((s) => s.unit.replace(/\.service$/, '')).join(', '));
    from('tags.ssh.services', src.services);
    // What each service is, as systemctl describes it (the unit file's Description=); `;` between them, since a
    // description may hold commas.
    const described = f.services.filter((s) => s.description);
    if (described.length) {
      tags['ssh.services.descriptions'] = cap(described.map((s) => `${s.unit.replace(/\.service$/, '')}: ${s.description!.replace(/;/g, ',')}`).join('; '));
      from('tags.ssh.services.descriptions', src.descriptions);
    }
  }
  if (f.kernel?.release) {
    tags['ssh.kernel'] = `${f.kernel.kernel} ${f.kernel.release}${f.kernel.machine ? ` ${f.kernel.machine}` : ''}`;
    from('tags.ssh.kernel', src.kernel);
  }
  from('name', src.name);
  if (f.fqdn && f.fqdn.includes('.')) from('identity.fqdn', f.fqdnSource ?? 'hostname -f');
  from('cpu', f.cpu.sockets ? '/proc/cpuinfo' : src.cpuCount);
  from('memoryMiB', '/proc/meminfo MemTotal');
  if (osText) from('os.reported', '/etc/os-release');
  if (disks.length) from('disks', src.disks);
  if (partitions.length) from('partitions', src.partitions);
  if (nics.length) from('nics', src.nics);
  if (f.utilization) from('utilization', '/proc/stat, /proc/meminfo, /proc/diskstats, /proc/net/dev samples');
  const server: Server = {
    id: 'pending',
    name: f.hostname,
    source: { kind: 'ssh', name: SSH_SOURCE_NAME },
    vmManager: { type: 'unknown' },
    identity: {
      hostName: f.hostname,
      ...(f.fqdn && f.fqdn.includes('.') ? { fqdn: f.fqdn } : {}),
      ...(f.machineId ? { externalId: `machine-id:${f.machineId}` } : {}),
    },
    place: {},
    state: { power: 'poweredOn', template: false },
    os: { family: 'linux', ...(osText ? { reported: osText } : {}) },
    firmware: { type: 'unknown' },
    cpu: { vcpus: f.cpu.vcpus, ...(f.cpu.sockets ? { sockets: f.cpu.sockets } : {}), ...(f.cpu.coresPerSocket ? { coresPerSocket: f.cpu.coresPerSocket } : {}) },
    memoryMiB: f.memoryMiB,
    disks,
    partitions,
    nics,
    snapshots: [],
    tags,
    provenance: prov,
  };
  if (f.utilization) server.utilization = f.utilization;
  return server;
}

/**
 * Established TCP connections as dependencies. The side listening on the local port is the server: a connection
 * to one of this host's listening ports goes peer → host:port, any other goes host → peer:port. Loopback
 * connections stay inside the host and are left out; repeats fold into one dependency with a count.
 */
export function factsToConnections(f: HostFacts): Connection[] {
  const listening = new Set(listeningPorts(f.sockets).filter((p) => p.protocol === 'tcp').map((p) => p.port));
  const byKey = new Map<string, Connection>();
  const file = `ssh://${f.target.name}${f.target.port === 22 ? '' : `:${f.target.port}`}`;
  for (const s of f.sockets) {
    if (s.protocol !== 'tcp' || s.state !== 'ESTAB' || s.peerPort === null) continue;
    if (isLoopback(s.peerIp) || isWildcard(s.peerIp) || isLoopback(s.localIp)) continue;
    const self = { name: f.hostname, ip: s.localIp, ...(s.process ? { process: s.process } : {}) };
    const inbound = listening.has(s.localPort);
    const c: Connection = inbound
      ? { source: { ip: s.peerIp }, destination: self, port: s.localPort, protocol: 'tcp', importId: 'pending', file, row: 0, count: 1, firstSeen: f.discoveredAt, lastSeen: f.discoveredAt }
      : { source: self, destination: { ip: s.peerIp }, port: s.peerPort, protocol: 'tcp', importId: 'pending', file, row: 0, count: 1, firstSeen: f.discoveredAt, lastSeen: f.discoveredAt };
    const key = `${c.source.ip}|${c.source.process ?? ''}>${c.destination.ip}|${c.destination.process ?? ''}:${c.port}`;
    const prev = byKey.get(key);
    if (prev) prev.count++;
    else byKey.set(key, c);
    if (byKey.size >= 4096) break;
  }
  return [...byKey.values()];
}
