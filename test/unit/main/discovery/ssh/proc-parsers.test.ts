import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWorkbenchError } from '../../../../../main/common/model/errors';
import { MAX_ENTRIES } from '../../../../../main/discovery/ssh/parse-common';
import { parseCpuinfo } from '../../../../../main/discovery/ssh/parse-cpu';
import { parseDf, PSEUDO_FS } from '../../../../../main/discovery/ssh/parse-df';
import { parseIpAddr } from '../../../../../main/discovery/ssh/parse-ip-addr';
import { memoryMiB } from '../../../../../main/discovery/ssh/parse-meminfo';
import { parseOsRelease } from '../../../../../main/discovery/ssh/parse-os-release';
import {
  bigEndianMachine,
  blockDevicesFromSysfs,
  elfMachine,
  fileSystemFromStatvfs,
  fqdnFromHosts,
  interfacesFromProc,
  ipv6Text,
  parseChildren,
  parseCpuList,
  parseFibTrieLocal,
  parseIfInet6,
  parseMounts,
  parseProcNetSockets,
  parseRoutes,
  parseStatusAccess,
  parseUptime,
  procAddress,
  realMounts,
  socketInode,
  type SysNetLink,
} from '../../../../../main/discovery/ssh/parse-proc';
import { listeningPorts, parseSs } from '../../../../../main/discovery/ssh/parse-ss';
import { oneRead } from '../../../../../main/discovery/ssh/sftp';
import { fuzzParsers, mutatedText } from '../../../../helpers/parser-fuzz';

// Real files of a Debian 12 host (this project's build machine), each taken together with the command output that
// SSH discovery read before (ss -Htan, ip -j addr, df -PT): the file parsers must find the same facts.
const dir = path.resolve(import.meta.dirname, '../../../../fixtures/discovery/linux-proc');
const real = (name: string) => readFileSync(path.join(dir, name), 'utf8');

// Hand-made in the kernel's format where the build machine has none (no IPv6 or UDP sockets in its sandbox).
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20817 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00002A1E140A:01BB 0000000000000000FFFF000009090A0A:EA60 01 00000000:00000000 02:00000B7A 00000000    33        0 40123 2 0000000000000000 20 4 30 10 -1
   2: B80D01200000000000000000400000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 30001 1 0000000000000000 100 0 0 10 0
   3: B80D0120000000000000000040000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 30002 1 0000000000000000 100 0 0 10 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  181: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 15321 2 0000000000000000 0
  512: 281E140A:9C41 011E140A:0035 01 00000000:00000000 00:00000000 00000000   101        0 15999 2 0000000000000000 0
`;
const FIB_TRIE_TWO_NICS = `Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 10.20.30.0/24 2 0 2
        |-- 10.20.30.0
           /24 link UNICAST
        |-- 10.20.30.40
           /32 host LOCAL
     |-- 172.16.5.9
        /32 host LOCAL
     |-- 192.168.7.3
        /32 host LOCAL
Local:
  +-- 127.0.0.0/8 2 0 2
     |-- 127.0.0.1
        /32 host LOCAL
`;
const ROUTE_TWO_NICS = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
ens192\t00000000\t011E140A\t0003\t0\t0\t0\t00000000\t0\t0\t0
ens192\t001E140A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
ens224\t000510AC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;

describe('kernel files parsed as the commands saw them (real samples)', () => {
  it('/proc/net/tcp gives the LISTEN and ESTAB sockets `ss -Htan` printed at the same moment', () => {
    const fromProc = parseProcNetSockets(real('net-tcp'), 'tcp').map((s) => {
      const c: Partial<typeof s> = { ...s };
      delete c.inode;
      return c;
    });
    const fromSs = parseSs(real('ss-Htan')).filter((s) => s.state === 'LISTEN' || s.state === 'ESTAB');
    expect(fromProc.length).toBeGreaterThan(3);
    const key = (s: object) => JSON.stringify(s);
    expect(fromProc.map(key).sort()).toEqual(fromSs.map(key).sort());
    // The header alone (tcp6 of a host without IPv6 sockets) is no socket and no error.
    expect(parseProcNetSockets(real('net-tcp6'), 'tcp')).toEqual([]);
    expect(parseProcNetSockets(real('net-udp'), 'udp')).toEqual([]);
  });

  it('/sys/class/net + fib_trie + route + if_inet6 give the interfaces `ip -j addr` printed', () => {
    const links: (SysNetLink & { index: number })[] = real('sys-class-net.txt')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([name, address, flags, index]) => ({ name: name!, address: address!, flags: flags!, index: Number(index) }))
      .sort((a, b) => a.index - b.index);
    const { interfaces, unplaced } = interfacesFromProc(links, parseFibTrieLocal(real('net-fib_trie')), parseRoutes(real('net-route')), parseIfInet6(real('net-if_inet6')));
    expect(unplaced).toEqual([]);
    expect(interfaces).toEqual(parseIpAddr(real('ip-j-addr.json')));
  });

  it('/proc/mounts gives the real file systems `df -PT` listed; statvfs sizes count as df counts them', () => {
    const mounts = parseMounts(real('mounts'));
    expect(mounts.find((m) => m.mount === '/')).toMatchObject({ source: '/dev/vda', type: 'ext4' });
    const df = parseDf(real('df-PT')).filter((f) => !PSEUDO_FS.has(f.type));
    expect(realMounts(mounts).map((m) => m.mount)).toEqual(df.map((f) => f.mount));
    // statvfs with 4 KiB fragments: df -P prints 1024-byte blocks; used = blocks − free; available to non-root.
    expect(fileSystemFromStatvfs({ source: '/dev/vda', mount: '/', type: 'ext4' }, { frsize: 4096, blocks: 66053021, bfree: 57551407, bavail: 18096114 })).toEqual({ source: '/dev/vda', type: 'ext4', sizeKiB: 264212084, usedKiB: 34006456, availKiB: 72384456, mount: '/' });
    expect(fileSystemFromStatvfs({ source: 'proc', mount: '/proc', type: 'proc' }, { frsize: 4096, blocks: 0, bfree: 0, bavail: 0 })).toBeUndefined();
  });

  it('cpuinfo, CPU list, meminfo, uptime, os-release and the ELF header of sshd', () => {
    expect(parseCpuinfo(real('cpuinfo')).vcpus).toBe(parseCpuList(real('cpu-online')));
    expect(memoryMiB(real('meminfo'))).toBeGreaterThan(100);
    expect(parseUptime(real('uptime'))).toBe(Math.round(Number(real('uptime').split(' ')[0]) * 1000));
    expect(parseOsRelease(real('os-release')).id).toBe('debian');
    expect(elfMachine(readFileSync(path.join(dir, 'sshd-elf-head.bin')))).toEqual({ machine: 'x86_64', littleEndian: true });
  });
});

describe('kernel file parsers on other layouts', () => {
  it('tcp6 and udp: IPv6 text as ss prints it, IPv4-mapped as IPv4, listening and bound ports without a peer port', () => {
    const s = parseProcNetSockets(TCP6, 'tcp');
    expect(s.map((x) => [x.state, x.localIp, x.localPort, x.peerIp, x.peerPort, x.inode])).toEqual([
      ['LISTEN', '::', 22, '::', null, 20817],
      ['ESTAB', '10.20.30.42', 443, '10.10.9.9', 60000, 40123],
      ['LISTEN', '2001:db8::40', 8080, '::', null, 30002],
    ]);
    const u = parseProcNetSockets(UDP, 'udp');
    expect(u).toEqual([
      { protocol: 'udp', state: 'UNCONN', localIp: '0.0.0.0', localPort: 68, peerIp: '0.0.0.0', peerPort: null, inode: 15321 },
      { protocol: 'udp', state: 'ESTAB', localIp: '10.20.30.40', localPort: 40001, peerIp: '10.20.30.1', peerPort: 53, inode: 15999 },
    ]);
    expect(listeningPorts([...s, ...u]).map((p) => `${p.port}/${p.protocol}`)).toEqual(['22/tcp', '68/udp', '8080/tcp']);
    // big-endian kernels (s390x) print the words the other way round
    expect(procAddress('0A141E28', false)).toBe('10.20.30.40');
    expect(procAddress('281E140A', true)).toBe('10.20.30.40');
    expect(bigEndianMachine('s390x')).toBe(true);
    expect(bigEndianMachine('ppc64le')).toBe(false);
    expect(bigEndianMachine('x86_64')).toBe(false);
    expect(() => parseProcNetSockets('garbage', 'tcp')).toThrow(/\/proc\/net\/tcp/);
    expect(socketInode('socket:[40123]')).toBe(40123);
    expect(socketInode('pipe:[40123]')).toBeUndefined();
  });

  it('RFC 5952 IPv6 text', () => {
    const b = (hex: string) => Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
    expect(ipv6Text(b('20010db8000000000000000000000001'))).toBe('2001:db8::1');
    expect(ipv6Text(b('00000000000000000000000000000000'))).toBe('::');
    expect(ipv6Text(b('20010db8000100000000000100000001'))).toBe('2001:db8:1::1:0:1');
    expect(ipv6Text(b('20010db8000000010001000100010001'))).toBe('2001:db8:0:1:1:1:1:1');
    expect(ipv6Text(b('fe800000000000000000000000000001'))).toBe('fe80::1');
  });

  it('IPv4 addresses go on the interface of their connected route; a /32 without one on the only interface up, else unplaced', () => {
    const links = [
      { name: 'lo', flags: '0x9', address: '00:00:00:00:00:00' },
      { name: 'ens192', flags: '0x1003', address: '00:50:56:AB:CD:EF' },
      { name: 'ens224', flags: '0x1003', address: '00:50:56:ab:cd:01' },
    ];
    const r = interfacesFromProc(links, parseFibTrieLocal(FIB_TRIE_TWO_NICS), parseRoutes(ROUTE_TWO_NICS), []);
    expect(r.interfaces.map((i) => [i.name, i.ipv4, i.mac])).toEqual([
      ['lo', ['127.0.0.1'], undefined],
      ['ens192', ['10.20.30.40'], '00:50:56:ab:cd:ef'],
      ['ens224', ['172.16.5.9'], '00:50:56:ab:cd:01'],
    ]);
    expect(r.unplaced).toEqual(['192.168.7.3']);
    const one = interfacesFromProc(links.slice(0, 2), ['192.168.7.3'], [], [{ iface: 'ens192', ip: 'fe80::1', scope: 0x20 }, { iface: 'ens192', ip: '2001:db8::5', scope: 0 }]);
    expect(one.interfaces[1]).toMatchObject({ ipv4: ['192.168.7.3'], ipv6: ['2001:db8::5'], up: true });
    expect(one.unplaced).toEqual([]);
  });

  it('mounts: octal escapes, mounted-over points, bind mounts of one device shown once at the shortest path', () => {
    const m = parseMounts(`/dev/sda2 / xfs rw 0 0
/dev/sda1 /boot xfs rw 0 0
/dev/sdb1 /data/with\\040space ext4 rw 0 0
/dev/sda2 /var/lib/containers/storage/overlay xfs rw 0 0
tmpfs /run tmpfs rw 0 0
/dev/sdc1 /mnt ext4 rw 0 0
/dev/sdd1 /mnt ext4 rw 0 0
`);
    expect(m[2]!.mount).toBe('/data/with space');
    expect(realMounts(m).map((x) => `${x.source} ${x.mount}`)).toEqual(['/dev/sda2 /', '/dev/sda1 /boot', '/dev/sdb1 /data/with space', '/dev/sdd1 /mnt']);
    expect(() => parseMounts('nothing here')).toThrow(/mounts/);
  });

  it('/sys/block as lsblk lists it: disks, partitions, LVM and RAID on their disk, CD, mount points from /proc/mounts', () => {
    const d = blockDevicesFromSysfs(
      [
        { name: 'sda', size: '209715200', model: 'Virtual disk', partitions: [{ name: 'sda1', size: '2097152' }, { name: 'sda2', size: '207615967' }], slaves: [] },
        { name: 'dm-0', size: '146800640', dmName: 'rhel-root', dmUuid: 'LVM-abc', partitions: [], slaves: ['sda2'] },
        { name: 'md0', size: '1000', mdLevel: 'raid1', partitions: [], slaves: ['sdb', 'sdc'] },
        { name: 'sr0', size: '2097151', scsiType: '5', partitions: [], slaves: [] },
        { name: 'loop0', size: '0', partitions: [], slaves: [] },
        { name: 'nvme0n1', size: '1048576000', serial: 'S4EWNX0N', partitions: [{ name: 'nvme0n1p1', size: '1048573952' }], slaves: [] },
      ],
      parseMounts('/dev/mapper/rhel-root / xfs rw 0 0\n/dev/sda1 /boot xfs rw 0 0\n/dev/nvme0n1p1 /data ext4 rw 0 0\n'),
    );
    expect(d.map((x) => [x.name, x.type, x.disk, x.sizeBytes, x.mountpoint ?? null])).toEqual([
      ['sda', 'disk', 'sda', 107374182400, null],
      ['sda1', 'part', 'sda', 1073741824, '/boot'],
      ['sda2', 'part', 'sda', 106299375104, null],
      ['rhel-root', 'lvm', 'sda', 75161927680, '/'],
      ['md0', 'raid1', 'sdb', 512000, null],
      ['sr0', 'rom', 'sr0', 1073741312, null],
      ['nvme0n1', 'disk', 'nvme0n1', 536870912000, null],
      ['nvme0n1p1', 'part', 'nvme0n1', 536869863424, '/data'],
    ]);
    expect(d[0]).toMatchObject({ model: 'Virtual disk' });
    expect(d[6]).toMatchObject({ serial: 'S4EWNX0N' });
  });

  it("kthreadd's children (/proc/2/task/2/children of this machine): the kernel threads the process scan skips", () => {
    const kids = parseChildren(real('kthreadd-children'));
    expect(kids.length).toBeGreaterThan(10);
    expect(kids.every((k) => Number.isSafeInteger(k) && k > 2)).toBe(true);
    expect(kids).toContain(3);
    expect(parseChildren('')).toEqual([]);
    expect(parseChildren('4 5\n')).toEqual([4, 5]);
    expect(() => parseChildren('4 five')).toThrow(/children/);
  });

  it("/proc/self/status (this machine's, as root and as nobody): whose processes the login may look into", () => {
    expect(parseStatusAccess(real('status-root'))).toEqual({ euid: 0, anyProcess: true });
    expect(parseStatusAccess(real('status-nobody'))).toEqual({ euid: 65534, anyProcess: false });
    // A non-root login holding CAP_SYS_PTRACE (bit 19) may look into every process.
    expect(parseStatusAccess(real('status-nobody').replace(/^CapEff:.*$/m, 'CapEff:\t0000000000080000'))).toEqual({ euid: 65534, anyProcess: true });
    expect(() => parseStatusAccess('Name:\tcat\n')).toThrow(/status/);
    expect(['/proc/self/status', '/proc/42/status'].every(oneRead)).toBe(true);
  });

  it('hostname -f from /etc/hosts; CPU lists; uptime; ELF machine and byte order; which files answer in one read', () => {
    const hosts = '127.0.0.1 localhost\n# 10.0.0.1 web01\n10.20.30.40 app01.corp.example app01 # comment\n';
    expect(fqdnFromHosts(hosts, 'app01')).toBe('app01.corp.example');
    expect(fqdnFromHosts(hosts, 'APP01')).toBe('app01.corp.example');
    expect(fqdnFromHosts(hosts, 'web01')).toBeUndefined();
    expect(parseCpuList('0-3,6,8-9\n')).toBe(7);
    expect(() => parseCpuList('zero')).toThrow();
    expect(parseUptime('12.50 30.00\n')).toBe(12500);
    expect(() => parseUptime('')).toThrow(/uptime/);
    const elf = (cls: number, data: number, em: number) => Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, cls, data, 1, ...new Array(11).fill(0), ...(data === 1 ? [em & 0xff, em >> 8] : [em >> 8, em & 0xff])]);
    expect(elfMachine(elf(2, 1, 0xb7))).toEqual({ machine: 'aarch64', littleEndian: true });
    expect(elfMachine(elf(2, 2, 0x16))).toEqual({ machine: 's390x', littleEndian: false });
    expect(elfMachine(elf(2, 1, 0x15))).toEqual({ machine: 'ppc64le', littleEndian: true });
    expect(() => elfMachine(Uint8Array.from([1, 2, 3]))).toThrow(/ELF/);
    expect(['/sys/block/sda/size', '/etc/hosts', '/proc/sys/kernel/hostname', '/proc/123/comm', '/proc/uptime', '/proc/stat'].every(oneRead)).toBe(true);
    expect(['/proc/net/tcp', '/proc/cpuinfo', '/proc/mounts', '/proc/diskstats', '/proc/net/dev', '/proc/net/fib_trie'].some(oneRead)).toBe(false);
  });
});

describe('fuzzed: every kernel file parser returns a bounded result or throws the typed error', () => {
  const parsers: [string, (s: string) => unknown][] = [
    ['tcp', (s) => parseProcNetSockets(s, 'tcp')],
    ['udp6', (s) => parseProcNetSockets(s, 'udp', false)],
    ['route', parseRoutes],
    ['fib_trie', parseFibTrieLocal],
    ['if_inet6', parseIfInet6],
    ['mounts', (s) => realMounts(parseMounts(s))],
    ['uptime', parseUptime],
    ['cpu list', parseCpuList],
    ['children', parseChildren],
    ['status', parseStatusAccess],
    ['hosts', (s) => fqdnFromHosts(s, 'app01')],
    ['interfaces', (s) => interfacesFromProc([{ name: s.slice(0, 20), flags: s.slice(0, 6), address: s.slice(0, 17) }], parseFibTrieLocal(s), [], parseIfInet6(s))],
  ];
  const seeds = [real('net-tcp'), TCP6, UDP, ROUTE_TWO_NICS, FIB_TRIE_TWO_NICS, real('net-if_inet6'), real('mounts'), real('uptime'), real('cpu-online'), '10.0.0.1 app01.example app01\n', real('kthreadd-children'), real('status-nobody')];
  fuzzParsers(parsers, mutatedText(seeds), 300);

  it('sysfs values and ELF headers of any bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string({ maxLength: 12 }), size: fc.string({ maxLength: 24 }), dmName: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), slaves: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), partitions: fc.array(fc.record({ name: fc.string({ maxLength: 12 }), size: fc.string({ maxLength: 24 }) }), { maxLength: 3 }) }), { maxLength: 20 }), fc.uint8Array({ maxLength: 40 }), (devices, head) => {
        const d = blockDevicesFromSysfs(devices, []);
        expect(d.length).toBeLessThanOrEqual(MAX_ENTRIES);
        for (const b of d) expect(Number.isFinite(b.sizeBytes)).toBe(true);
        try {
          elfMachine(head);
        } catch (e) {
          if (!isWorkbenchError(e, 'ssh-output-unreadable')) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a busy server: tens of thousands of TIME-WAIT lines are passed over, the LISTEN and ESTAB ones among them kept', () => {
    const [header, ...rows] = real('net-tcp').split('\n');
    const tw = '   7: 0100007F:A1B2 0100007F:0016 06 00000000:00000000 03:00000A1C 00000000     0        0 0 3 0000000000000000\n';
    const listen = '  99: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000    33        0 777001 1 0000000000000000 100 0 0 10 0\n';
    const expected = parseProcNetSockets(real('net-tcp'), 'tcp');
    const r = parseProcNetSockets(`\n${header}\n${tw.repeat(20_000)}${rows.join('\n')}\n${tw.repeat(20_000)}${listen}`, 'tcp');
    expect(r).toEqual([...expected, { protocol: 'tcp', state: 'LISTEN', localIp: '0.0.0.0', localPort: 8080, peerIp: '0.0.0.0', peerPort: null, inode: 777001 }]);
  });

  it('a flood of socket lines stays bounded', () => {
    const header = real('net-tcp').split('\n')[0];
    const row = '   0: 0100007F:4A2D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1311838 1 0 100 0 0 10 0\n';
    expect(parseProcNetSockets(`${header}\n${row.repeat(20_000)}`, 'tcp')).toHaveLength(MAX_ENTRIES);
  });
});
