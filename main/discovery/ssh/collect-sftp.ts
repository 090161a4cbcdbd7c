import { serializeError } from '../../common/model/errors';
import type { HostFacts } from './host-facts';
import { MAX_ENTRIES } from './parse-common';
import { parseCpuinfo, type CpuInfo } from './parse-cpu';
import type { FileSystem } from './parse-df';
import { memoryMiB } from './parse-meminfo';
import { fqdnFromFiles, unitDescription, unitTemplate } from './parse-etc';
import { parseOsRelease } from './parse-os-release';
import {
  bigEndianMachine,
  blockDevicesFromSysfs,
  elfMachine,
  fileSystemFromStatvfs,
  interfacesFromProc,
  parseChildren,
  parseCpuList,
  parseFibTrieLocal,
  parseIfInet6,
  parseMounts,
  parseProcNetSockets,
  parseRoutes,
  parseStatusAccess,
  parseUptime,
  realMounts,
  socketInode,
  type Mount,
  type ProcSocket,
  type SysBlock,
  type SysNetLink,
} from './parse-proc';
import { parseCounterSample, type CounterSample } from './parse-samples';
import { isLoopback, isWildcard, type Socket } from './parse-ss';
import type { RunningService } from './parse-systemctl';
import { MAX_FILE_BYTES, PERMISSION_DENIED, type SftpReader } from './sftp';

/** Facts that come from files; the caller adds the target, time and utilization. */
export type FileFacts = Omit<HostFacts, 'target' | 'discoveredAt' | 'utilization'>;

/** Most `/proc/PID/fd/N` links read to name the processes of sockets (a busy host has tens of thousands). */
const MAX_FD_LINKS = 50_000;
/** Most processes whose descriptors are looked at. */
const MAX_PROCESSES = 8192;

const str = (f: { text: string } | undefined) => f?.text;

/**
 * Reads the facts of one host from its files over SFTP, without running anything on it: every file is capped
 * (`MAX_FILE_BYTES`), a file that is missing or unreadable becomes a warning (as a failed command did), and the
 * reader's deadline and cancel end it all at once.
 */
export async function collectOverSftp(r: SftpReader, hostLabel: string): Promise<FileFacts> {
  const warnings: string[] = [];
  const read = (path: string, max?: number) => r.readFile(path, max).then(str);
  /** Parses an optional fact; missing file or unreadable text is a warning. */
  const optional = <T>(what: string, path: string, content: string | undefined, parse: (s: string) => T): T | undefined => {
    if (content === undefined || !content.trim()) {
      warnings.push(`${what}: ${path} could not be read on ${hostLabel}.`);
      return undefined;
    }
    try {
      return parse(content);
    } catch (e) {
      warnings.push(`${what}: ${serializeError(e).message}`);
      return undefined;
    }
  };

  // Everything independent is asked at once; the reader keeps a bounded number of requests in flight.
  const [hostnameText, hostsText, machineIdText, osRelease, ostype, osrelease, arch, cpuinfo, meminfo, mountsText, netLinks, fib, routeText, inet6, blockNames] = await Promise.all([
    read('/proc/sys/kernel/hostname'),
    read('/etc/hosts'),
    read('/etc/machine-id'),
    read('/etc/os-release').then((t) => t ?? read('/usr/lib/os-release')),
    read('/proc/sys/kernel/ostype'),
    read('/proc/sys/kernel/osrelease'),
    read('/proc/sys/kernel/arch'),
    read('/proc/cpuinfo', MAX_FILE_BYTES),
    read('/proc/meminfo'),
    read('/proc/mounts', MAX_FILE_BYTES),
    readNetLinks(r),
    read('/proc/net/fib_trie', MAX_FILE_BYTES),
    read('/proc/net/route'),
    read('/proc/net/if_inet6'),
    r.readdir('/sys/block', MAX_ENTRIES),
  ]);

  const hostname = hostnameText?.trim().split(/\s+/)[0]?.slice(0, 253) || hostLabel;
  // /etc/hosts settles it on most hosts; the other files are read only when it does not.
  let fqdn = fqdnFromFiles({ hostname, ...(hostsText !== undefined ? { hosts: hostsText } : {}) });
  if (!fqdn) {
    const [etcHostname, resolvConf, domainname] = await Promise.all([read('/etc/hostname', 4096), read('/etc/resolv.conf', 64 * 1024), read('/proc/sys/kernel/domainname', 4096)]);
    fqdn = fqdnFromFiles({ hostname, ...(hostsText !== undefined ? { hosts: hostsText } : {}), ...(etcHostname !== undefined ? { etcHostname } : {}), ...(resolvConf !== undefined ? { resolvConf } : {}), ...(domainname !== undefined ? { domainname } : {}) });
  }
  const machineId = machineIdText?.trim();

  let machine = arch?.trim().slice(0, 64) || undefined;
  let littleEndian = !bigEndianMachine(machine);
  if (!machine) {
    // Kernels before 6.1 have no /proc/sys/kernel/arch: the SFTP server's own ELF header says the machine.
    const head = await r.readHead('/proc/self/exe', 20);
    try {
      if (head) ({ machine, littleEndian } = elfMachine(head));
    } catch {
      // not an ELF file: no machine, little-endian assumed
    }
  }
  const kernelName = ostype?.trim().slice(0, 128);
  const kernel = kernelName ? { kernel: kernelName, ...(osrelease?.trim() ? { release: osrelease.trim().slice(0, 128) } : {}), ...(machine ? { machine } : {}) } : undefined;
  if (!kernel) warnings.push(`Kernel: /proc/sys/kernel/ostype could not be read on ${hostLabel}.`);

  let cpu: CpuInfo | undefined = optional('CPU', '/proc/cpuinfo', cpuinfo, parseCpuinfo);
  if (!cpu) {
    const online = await read('/sys/devices/system/cpu/online');
    cpu = { vcpus: optional('CPU count', '/sys/devices/system/cpu/online', online, parseCpuList) ?? 0 };
  }

  const mounts = optional('File systems', '/proc/mounts', mountsText, parseMounts) ?? [];
  const [fileSystems, blockDevices, sockets, services] = await Promise.all([
    fileSystemsOf(r, mounts, warnings, hostLabel),
    blockNames ? blockDevicesOf(r, blockNames, mounts) : (warnings.push(`Disks: /sys/block could not be listed on ${hostLabel}.`), Promise.resolve([])),
    socketsOf(r, littleEndian, warnings, hostLabel),
    servicesOf(r, warnings, hostLabel).then((units) => (units ? describeServices(r, units, hostname) : undefined)),
  ]);

  const routes = routeText !== undefined ? (optional('IP addresses', '/proc/net/route', routeText, (t) => parseRoutes(t, littleEndian)) ?? []) : [];
  const local = optional('IP addresses', '/proc/net/fib_trie', fib, parseFibTrieLocal) ?? [];
  const v6 = inet6 !== undefined ? parseIfInet6(inet6) : [];
  if (!netLinks) warnings.push(`IP addresses: /sys/class/net could not be listed on ${hostLabel}.`);
  const { interfaces, unplaced } = interfacesFromProc(netLinks ?? [], local, routes, v6);
  if (unplaced.length) warnings.push(`IP addresses: ${unplaced.slice(0, 8).join(', ')} could not be tied to an interface (no connected route holds them).`);

  const os = optional('OS release', '/etc/os-release', osRelease, parseOsRelease);
  return {
    hostname,
    ...(fqdn ? { fqdn: fqdn.fqdn, fqdnSource: fqdn.source } : {}),
    ...(machineId && /^[0-9a-f]{32}$/i.test(machineId) ? { machineId: machineId.toLowerCase() } : {}),
    ...(os ? { os } : {}),
    ...(kernel ? { kernel } : {}),
    cpu,
    memoryMiB: optional('Memory', '/proc/meminfo', meminfo, memoryMiB) ?? 0,
    blockDevices,
    fileSystems,
    interfaces,
    sockets,
    services: services ?? [],
    warnings,
    via: 'sftp',
  };
}

async function readNetLinks(r: SftpReader): Promise<SysNetLink[] | undefined> {
  const names = await r.readdir('/sys/class/net', MAX_ENTRIES);
  if (!names) return undefined;
  return Promise.all(
    names.sort().map(async (name) => {
      const [address, flags, ifindex] = await Promise.all(['address', 'flags', 'ifindex'].map((f) => r.readFile(`/sys/class/net/${name}/${f}`, 4096)));
      return { name, ...(address ? { address: address.text } : {}), ...(flags ? { flags: flags.text } : {}), index: Number(ifindex?.text.trim() || Infinity) };
    }),
  ).then((links) => links.sort((a, b) => a.index - b.index || a.name.localeCompare(b.name)).map(({ index: _index, ...l }) => l));
}

async function fileSystemsOf(r: SftpReader, mounts: readonly Mount[], warnings: string[], hostLabel: string): Promise<FileSystem[]> {
  if (!mounts.length) return [];
  if (!r.hasStatvfs) {
    warnings.push(`File systems: the SFTP server of ${hostLabel} cannot tell file system sizes (no statvfs@openssh.com).`);
    return [];
  }
  const real = realMounts(mounts);
  const stats = await Promise.all(real.map((m) => r.statvfs(m.mount)));
  const res: FileSystem[] = [];
  real.forEach((m, i) => {
    const s = stats[i];
    const fs = s ? fileSystemFromStatvfs(m, s) : undefined;
    if (fs) res.push(fs);
  });
  return res;
}

const BLOCK_NAME = /^[A-Za-z0-9_.:!+-]{1,64}$/;

async function blockDevicesOf(r: SftpReader, names: readonly string[], mounts: readonly Mount[]) {
  const opt = async (path: string) => (await r.readFile(path, 4096))?.text.trim() || undefined;
  const devices: SysBlock[] = await Promise.all(
    names
      .filter((n) => BLOCK_NAME.test(n) && !/^ram\d/.test(n))
      .sort()
      .map(async (name): Promise<SysBlock> => {
        const base = `/sys/block/${name}`;
        const size = await opt(`${base}/size`);
        const d: SysBlock = { name, ...(size ? { size } : {}), partitions: [], slaves: [] };
        // Empty loop devices are not shown; their other files are not asked for.
        if (/^loop\d/.test(name) && (!size || size === '0')) return d;
        if (/^dm-\d+$/.test(name)) {
          const [dmName, dmUuid, slaves] = await Promise.all([opt(`${base}/dm/name`), opt(`${base}/dm/uuid`), r.readdir(`${base}/slaves`, 64)]);
          return { ...d, ...(dmName ? { dmName } : {}), ...(dmUuid ? { dmUuid } : {}), slaves: slaves ?? [] };
        }
        if (/^md\d/.test(name)) {
          const [mdLevel, slaves] = await Promise.all([opt(`${base}/md/level`), r.readdir(`${base}/slaves`, 64)]);
          return { ...d, ...(mdLevel ? { mdLevel } : {}), slaves: slaves ?? [] };
        }
        const [model, serial, devSerial, scsiType, entries] = await Promise.all([opt(`${base}/device/model`), opt(`${base}/serial`), opt(`${base}/device/serial`), /^sr\d/.test(name) ? opt(`${base}/device/type`) : undefined, r.readdir(base, 4096)]);
        const parts = (entries ?? []).filter((e) => e.startsWith(name) && e !== name && BLOCK_NAME.test(e)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
        const partitions = await Promise.all(
          parts.slice(0, 256).map(async (p) => {
            const partSize = await opt(`${base}/${p}/size`);
            return { name: p, ...(partSize ? { size: partSize } : {}) };
          }),
        );
        return { ...d, ...(model ? { model } : {}), ...(serial || devSerial ? { serial: (serial || devSerial)! } : {}), ...(scsiType ? { scsiType } : {}), partitions };
      }),
  );
  return blockDevicesFromSysfs(devices, mounts);
}

async function socketsOf(r: SftpReader, littleEndian: boolean, warnings: string[], hostLabel: string): Promise<Socket[]> {
  const files = [
    ['tcp', '/proc/net/tcp'],
    ['tcp', '/proc/net/tcp6'],
    ['udp', '/proc/net/udp'],
    ['udp', '/proc/net/udp6'],
  ] as const;
  const texts = await Promise.all(files.map(([, p]) => r.readFile(p, MAX_FILE_BYTES)));
  const sockets: ProcSocket[] = [];
  texts.forEach((t, i) => {
    const [protocol, path] = files[i]!;
    // No tcp6/udp6 on a kernel without IPv6: not a warning.
    if (!t) {
      if (!path.endsWith('6')) warnings.push(`Connections: ${path} could not be read on ${hostLabel}.`);
      return;
    }
    try {
      for (const s of parseProcNetSockets(t.text, protocol, littleEndian)) if (sockets.length < MAX_ENTRIES) sockets.push(s);
    } catch (e) {
      warnings.push(`Connections: ${serializeError(e).message}`);
    }
  });
  // The scan stops once the sockets the report names a process for are found: ports listening beyond loopback and
  // connections between this host and another (what the tags and the dependencies show).
  const wanted = new Set(sockets.filter(reported).map((s) => s.inode).filter((i) => i > 0));
  if (wanted.size) {
    const names = await processNames(r, wanted, new Set(sockets.map((s) => s.inode)));
    for (const s of sockets) {
      const n = names.get(s.inode);
      if (n) s.process = n;
    }
  }
  return sockets.map(({ inode: _inode, ...s }) => s);
}

function reported(s: ProcSocket): boolean {
  if (isLoopback(s.localIp)) return false;
  if (s.state === 'LISTEN' || (s.protocol === 'udp' && s.state === 'UNCONN' && s.peerPort === null)) return true;
  return s.protocol === 'tcp' && s.state === 'ESTAB' && !isLoopback(s.peerIp) && !isWildcard(s.peerIp);
}

/** Processes whose descriptors are looked at together (their requests share the reader's bounded window). */
const PROCESS_WINDOW = 12;

/**
 * Kernel threads (kthreadd, PID 2, and its children: `/proc/2/task/2/children`), which hold no descriptors: one file
 * instead of three requests each for an empty `/proc/PID/fd`. Empty when PID 2 is not kthreadd (a container's PID
 * namespace shows no kernel threads) or the kernel lacks the children file (CONFIG_PROC_CHILDREN).
 */
async function kernelThreads(r: SftpReader): Promise<Set<number>> {
  const [comm, children] = await Promise.all([r.readFile('/proc/2/comm', 256), r.readFile('/proc/2/task/2/children', MAX_FILE_BYTES)]);
  if (comm?.text.trim() !== 'kthreadd' || children === undefined) return new Set();
  try {
    return new Set([2, ...parseChildren(children.text)]);
  } catch {
    return new Set(); // not a list of PIDs: every process is looked at, as before
  }
}

/** Whose processes this login may look into (`/proc/self/status` of the SFTP server); undefined when unreadable. */
async function ownAccess(r: SftpReader): Promise<{ euid: number; anyProcess: boolean } | undefined> {
  const status = await r.readFile('/proc/self/status', 64 * 1024);
  try {
    return status ? parseStatusAccess(status.text) : undefined;
  } catch {
    return undefined; // every process is looked at, as before
  }
}

/**
 * The process holding each socket inode, as `ss -p` finds it: `/proc/PID/fd/*` links (`socket:[inode]`) of the
 * processes this login may look into, lowest PID first (kernel threads skipped); the name is `/proc/PID/comm`.
 * Processes are looked at PROCESS_WINDOW at a time in PID order, a new one starting as soon as one ends (no batch
 * waits for its slowest process). Stops when every wanted socket has its process or after MAX_FD_LINKS links; other
 * sockets seen on the way are named too.
 */
async function processNames(r: SftpReader, wanted: ReadonlySet<number>, known: ReadonlySet<number>): Promise<Map<number, string>> {
  const [listing, kthreads, access] = await Promise.all([r.entries('/proc'), kernelThreads(r), ownAccess(r)]);
  // A login that is not root (and lacks CAP_SYS_PTRACE) may look only into its own uid's processes: the others'
  // `/proc/PID/fd` (owned by their uid, mode 0500) would each cost a refused request.
  const mine = (uid: number | undefined) => access === undefined || access.anyProcess || uid === undefined || uid === access.euid;
  const pids = (listing ?? [])
    .filter((e) => /^\d{1,10}$/.test(e.name) && mine(e.uid))
    .map((e) => Number(e.name))
    .filter((pid) => !kthreads.has(pid))
    .sort((a, b) => a - b)
    .slice(0, MAX_PROCESSES);
  const owner = new Map<number, number>();
  let found = 0;
  let links = 0;
  let next = 0;
  // Every process below the one a worker takes has been started, so the lowest PID holding a socket is always seen.
  const worker = async (): Promise<void> => {
    while (next < pids.length && found < wanted.size && links < MAX_FD_LINKS) {
      const pid = pids[next++]!;
      // A /proc/PID/fd link's mode is the descriptor's open mode (fs/proc/fd.c): a socket is open for reading and
      // writing (lrwx), so read-only and write-only descriptors (files, pipe ends, logs) are not looked at.
      const fds = (await r.entries(`/proc/${pid}/fd`, 65_536))?.filter((e) => (e.mode & 0o600) === 0o600).map((e) => e.name);
      if (!fds?.length) continue;
      const take = fds.slice(0, Math.max(0, MAX_FD_LINKS - links));
      if (!take.length) continue;
      links += take.length;
      // The first link alone: a process this login may list but not look into (another user's with ptrace
      // restrictions, a non-dumpable daemon) refuses every link, and each refusal is a request.
      const first = await r.readlinkStatus(`/proc/${pid}/fd/${take[0]}`);
      if (first === PERMISSION_DENIED) continue;
      const targets = [typeof first === 'string' ? first : undefined, ...(await Promise.all(take.slice(1).map((fd) => r.readlink(`/proc/${pid}/fd/${fd}`))))];
      for (const t of targets) {
        const inode = t ? socketInode(t) : undefined;
        if (inode === undefined || !known.has(inode)) continue;
        const prev = owner.get(inode);
        if (prev === undefined && wanted.has(inode)) found++;
        if (prev === undefined || pid < prev) owner.set(inode, pid);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROCESS_WINDOW, pids.length) }, worker));
  const comms = new Map<number, string>();
  await Promise.all(
    [...new Set(owner.values())].map(async (pid) => {
      const c = (await r.readFile(`/proc/${pid}/comm`, 256))?.text.trim();
      if (c) comms.set(pid, c.slice(0, 128));
    }),
  );
  const res = new Map<number, string>();
  for (const [inode, pid] of owner) {
    const c = comms.get(pid);
    if (c) res.set(inode, c);
  }
  return res;
}

/**
 * Running services from systemd's cgroup tree: a `*.service` cgroup that holds processes (`cgroup.events`
 * `populated 1` on cgroup v2, a non-empty `cgroup.procs` on v1) is a running service, as `systemctl list-units
 * --state=running` lists them. Undefined, with a warning, when the host does not run systemd.
 */
async function servicesOf(r: SftpReader, warnings: string[], hostLabel: string): Promise<RunningService[] | undefined> {
  const booted = await r.readdir('/run/systemd/system', 1);
  if (booted === undefined) {
    warnings.push(`Running services: ${hostLabel} does not run systemd (no /run/systemd/system).`);
    return undefined;
  }
  let root: string | undefined;
  let v2 = false;
  for (const c of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup', '/sys/fs/cgroup/systemd']) {
    const entries = await r.readdir(c, 4096);
    if (entries?.includes('system.slice')) {
      root = c;
      v2 = entries.includes('cgroup.controllers');
      break;
    }
  }
  if (!root) {
    warnings.push(`Running services: systemd's cgroups (/sys/fs/cgroup/…/system.slice) could not be read on ${hostLabel}.`);
    return undefined;
  }
  const units: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = (await r.readdir(dir, 4096)) ?? [];
    await Promise.all(
      entries.map(async (e) => {
        if (units.length >= MAX_ENTRIES || !/^[\w@.:\\-]+$/.test(e)) return;
        if (e.endsWith('.slice') && depth < 4) return walk(`${dir}/${e}`, depth + 1);
        if (!e.endsWith('.service')) return;
        const f = await r.readFile(`${dir}/${e}/${v2 ? 'cgroup.events' : 'cgroup.procs'}`, 64 * 1024);
        const running = v2 ? /^populated 1$/m.test(f?.text ?? '') : (f?.text.trim() ?? '') !== '';
        if (running && units.length < MAX_ENTRIES) units.push(e.slice(0, 256));
      }),
    );
  };
  await walk(root, 0);
  return [...new Set(units)].sort().map((unit) => ({ unit }));
}

/**
 * systemd's unit directories, highest precedence first (systemd.unit(5): local configuration, transient and runtime
 * units, generated units — the SysV init scripts' `LSB: …` units —, then the vendor's).
 */
const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/transient', '/run/systemd/system', '/run/systemd/generator', '/lib/systemd/system', '/usr/lib/systemd/system'];
/** Most drop-in files (`NAME.service.d/*.conf`) read for one unit. */
const MAX_DROP_INS = 8;
/** Most services whose unit files are read for their descriptions. */
const MAX_DESCRIBED = 512;

/**
 * Each running service's `Description=`, as systemctl shows it: the unit file found first in UNIT_DIRS (the
 * instance's own, else its template's), then its drop-ins (`UNIT.d/*.conf`, and the template's, a name in a
 * higher directory masking the same name below, applied in name order). The directories are listed once (on a merged
 * /usr, where /lib is a link to usr/lib, /lib's is not listed again); a unit file that cannot be read leaves the
 * service without a description.
 */
async function describeServices(r: SftpReader, services: RunningService[], hostname: string): Promise<RunningService[]> {
  if (!services.length) return services;
  const libLink = await r.readlinkStatus('/lib');
  const dirs = UNIT_DIRS.filter((d) => !(d === '/lib/systemd/system' && (libLink === 'usr/lib' || libLink === '/usr/lib')));
  const listings = await Promise.all(dirs.map(async (d) => ({ dir: d, names: new Set((await r.readdir(d, 16_384)) ?? []) })));
  const dropInDirs = new Map<string, Promise<string[] | undefined>>();
  const listDropIns = (dir: string) => {
    let p = dropInDirs.get(dir);
    if (!p) dropInDirs.set(dir, (p = r.readdir(dir, 256)));
    return p;
  };
  const describe = async (s: RunningService): Promise<RunningService> => {
    const names = [s.unit, unitTemplate(s.unit)].filter((n): n is string => !!n);
    let main: string | undefined;
    for (const n of names) {
      main = listings.find((l) => l.names.has(n))?.dir;
      if (main) {
        main = `${main}/${n}`;
        break;
      }
    }
    if (!main) return s;
    // Drop-ins: the template's first, then the instance's (systemd applies the more specific later); a name in a
    // higher directory masks the same name below.
    const confs = new Map<string, string>();
    for (const n of [...names].reverse()) {
      const byName = new Map<string, string>();
      for (const l of listings) {
        if (!l.names.has(`${n}.d`)) continue;
        for (const c of (await listDropIns(`${l.dir}/${n}.d`)) ?? []) if (c.endsWith('.conf') && !byName.has(c)) byName.set(c, `${l.dir}/${n}.d/${c}`);
      }
      for (const c of [...byName.keys()].sort()) confs.set(`${n}/${c}`, byName.get(c)!);
    }
    const paths = [main, ...[...confs.values()].slice(0, MAX_DROP_INS)];
    const texts = await Promise.all(paths.map((p) => r.readFile(p, 256 * 1024)));
    if (texts[0] === undefined) return s;
    try {
      const description = unitDescription(s.unit, texts.filter((t) => t !== undefined).map((t) => t.text), hostname);
      return description ? { ...s, description } : s;
    } catch {
      return s; // an unreadable unit name cannot come from the cgroup walk; kept without a description
    }
  };
  return Promise.all(services.map((s, i) => (i < MAX_DESCRIBED ? describe(s) : s)));
}

/** The kernel counters of one utilization sample, read as files; timed by the host's `/proc/uptime`. */
export async function sampleOverSftp(r: SftpReader): Promise<CounterSample> {
  const paths = ['/proc/uptime', '/proc/stat', '/proc/meminfo', '/proc/diskstats', '/proc/net/dev'] as const;
  const [uptime, ...rest] = await Promise.all(paths.map((p) => r.readFile(p, MAX_FILE_BYTES)));
  const text = rest.map((t, i) => `==> ${paths[i + 1]} <==\n${t?.text ?? ''}\n`).join('');
  return parseCounterSample(text, parseUptime(uptime?.text ?? ''));
}
