import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { factsScript, sampleScript, splitFacts, splitSamples, SSH_COMMANDS } from '../../../../../main/discovery/ssh/commands';
import { factsToConnections, factsToServer, type HostFacts } from '../../../../../main/discovery/ssh/host-facts';
import { checkHostKey, hashedLine, hostsMatch, parseKnownHosts } from '../../../../../main/discovery/ssh/known-hosts';
import { MAX_ENTRIES } from '../../../../../main/discovery/ssh/parse-common';
import { parseCpuinfo, parseNproc } from '../../../../../main/discovery/ssh/parse-cpu';
import { parseDf } from '../../../../../main/discovery/ssh/parse-df';
import { parseIpAddr } from '../../../../../main/discovery/ssh/parse-ip-addr';
import { parseLsblk } from '../../../../../main/discovery/ssh/parse-lsblk';
import { memoryMiB, parseMeminfo } from '../../../../../main/discovery/ssh/parse-meminfo';
import { parseOsRelease, parseUname } from '../../../../../main/discovery/ssh/parse-os-release';
import { p95, parseCounterSample, utilizationFromSamples } from '../../../../../main/discovery/ssh/parse-samples';
import { listeningPorts, parseSs, splitEndpoint } from '../../../../../main/discovery/ssh/parse-ss';
import { parseSystemctl } from '../../../../../main/discovery/ssh/parse-systemctl';
import { fuzzParsers, mutatedText } from '../../../../helpers/parser-fuzz';

const OS_RELEASE = `PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
NAME="Red Hat Enterprise Linux"
VERSION="9.4 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.4"
# comment
ANSI_COLOR="0;31"
`;

const CPUINFO = ['0', '1', '2', '3']
  .map((n) => `processor\t: ${n}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz\nphysical id\t: ${Number(n) < 2 ? 0 : 1}\ncpu cores\t: 2\nflags\t\t: fpu vme de\n`)
  .join('\n');

const MEMINFO = `MemTotal:        8039416 kB
MemFree:          512000 kB
MemAvailable:    4019708 kB
Buffers:          102400 kB
Cached:          2048000 kB
HugePages_Total:       0
`;

const LSBLK = JSON.stringify({
  blockdevices: [
    { name: 'sda', kname: 'sda', type: 'disk', size: 107374182400, model: 'Virtual disk', serial: '6000c29', fstype: null, mountpoint: null, children: [
      { name: 'sda1', kname: 'sda1', type: 'part', size: 1073741824, model: null, serial: null, fstype: 'xfs', mountpoint: '/boot' },
      { name: 'sda2', kname: 'sda2', type: 'part', size: 106300440576, fstype: 'LVM2_member', mountpoint: null, children: [
        { name: 'rhel-root', kname: 'dm-0', type: 'lvm', size: '75161927680', fstype: 'xfs', mountpoint: '/' },
      ] },
    ] },
    { name: 'sdb', kname: 'sdb', type: 'disk', size: '536870912000', fstype: 'xfs', mountpoint: '/data' },
    { name: 'sr0', kname: 'sr0', type: 'rom', size: 1073741312 },
  ],
});

const DF = `Filesystem            Type     1024-blocks     Used Available Capacity Mounted on
devtmpfs              devtmpfs     4001234        0   4001234       0% /dev
/dev/mapper/rhel-root xfs         73364480 12345678  61018802      17% /
/dev/sda1             xfs          1038336   312000    726336      31% /boot
/dev/sdb              xfs        524032000 10000000 514032000       2% /data/with space
tmpfs                 tmpfs         803944        0    803944       0% /run/user/0
`;

const IP = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], link_type: 'loopback', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host' }] },
  { ifindex: 2, ifname: 'ens192', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], link_type: 'ether', address: '00:50:56:AB:CD:EF', addr_info: [
    { family: 'inet', local: '10.20.30.40', prefixlen: 24, scope: 'global' },
    { family: 'inet6', local: 'fe80::250:56ff:feab:cdef', prefixlen: 64, scope: 'link' },
    { family: 'inet6', local: '2001:db8::40', prefixlen: 64, scope: 'global' },
  ] },
]);

const SS = `tcp   LISTEN 0      128          0.0.0.0:22         0.0.0.0:*     users:(("sshd",pid=812,fd=3))
tcp   LISTEN 0      128             [::]:22            [::]:*     users:(("sshd",pid=812,fd=4))
tcp   LISTEN 0      244        127.0.0.1:5432      0.0.0.0:*     users:(("postgres",pid=901,fd=6))
tcp   LISTEN 0      511                *:443              *:*     users:(("nginx",pid=1001,fd=7))
tcp   ESTAB  0      0        10.20.30.40:22     10.20.30.5:51544 users:(("sshd",pid=2301,fd=4))
tcp   ESTAB  0      0        10.20.30.40:43210  10.20.30.77:5432  users:(("java",pid=3001,fd=55))
tcp   ESTAB  0      0        10.20.30.40:43212  10.20.30.77:5432  users:(("java",pid=3001,fd=56))
tcp   ESTAB  0      0   [::ffff:10.20.30.40]:443 [::ffff:10.9.9.9]:60000 users:(("nginx",pid=1002,fd=9))
tcp   ESTAB  0      0          127.0.0.1:5432     127.0.0.1:40000 users:(("postgres",pid=902,fd=9))
udp   UNCONN 0      0      0.0.0.0%ens192:68        0.0.0.0:*     users:(("dhclient",pid=700,fd=6))
udp   ESTAB  0      0        10.20.30.40:40001    10.20.30.1:53
`;

const SYSTEMCTL = `  chronyd.service                loaded active running NTP client/server
  nginx.service                  loaded active running The nginx HTTP and reverse proxy server
● postgresql.service             loaded active running PostgreSQL database server
not a unit line
`;

function sample(at: number, cpu: number[], memAvail: number, disk: number[], net: number[]): string {
  return `==> /proc/stat <==
cpu  ${cpu.join(' ')}
cpu0 1 2 3 4
intr 1 2 3

==> /proc/meminfo <==
MemTotal:        1000000 kB
MemAvailable:    ${memAvail} kB

==> /proc/diskstats <==
   8       0 sda ${disk[0]} 0 ${disk[1]} 0 ${disk[2]} 0 ${disk[3]} 0 0 0 0 0 0 0 0
   8       1 sda1 999 0 999 0 999 0 999 0 0 0 0 0 0 0 0
 253       0 dm-0 999 0 999 0 999 0 999 0 0 0 0 0 0 0 0

==> /proc/net/dev <==
Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 999999 1 0 0 0 0 0 0 999999 1 0 0 0 0 0 0
 ens192: ${net[0]} 10 0 0 0 0 0 0 ${net[1]} 10 0 0 0 0 0 0
`;
}

describe('SSH output parsers on realistic output', () => {
  it('os-release and uname', () => {
    expect(parseOsRelease(OS_RELEASE)).toEqual({ id: 'rhel', name: 'Red Hat Enterprise Linux', prettyName: 'Red Hat Enterprise Linux 9.4 (Plow)', version: '9.4 (Plow)', versionId: '9.4' });
    expect(parseUname('Linux 5.14.0-427.13.1.el9_4.x86_64 x86_64\n')).toEqual({ kernel: 'Linux', release: '5.14.0-427.13.1.el9_4.x86_64', machine: 'x86_64' });
    expect(() => parseOsRelease('garbage')).toThrow(/os-release/);
  });

  it('cpuinfo (sockets, cores), nproc, meminfo', () => {
    expect(parseCpuinfo(CPUINFO)).toEqual({ vcpus: 4, sockets: 2, coresPerSocket: 2, model: 'Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz' });
    expect(parseNproc('8\n')).toBe(8);
    expect(() => parseNproc('eight')).toThrow();
    expect(memoryMiB(MEMINFO)).toBe(7851);
    expect(parseMeminfo(MEMINFO).get('MemAvailable')).toBe(4019708);
  });

  it('lsblk -J: the tree flattened with each device’s disk; sizes as numbers or strings', () => {
    const d = parseLsblk(LSBLK);
    expect(d.map((x) => [x.name, x.type, x.disk])).toEqual([
      ['sda', 'disk', 'sda'],
      ['sda1', 'part', 'sda'],
      ['sda2', 'part', 'sda'],
      ['rhel-root', 'lvm', 'sda'],
      ['sdb', 'disk', 'sdb'],
      ['sr0', 'rom', 'sr0'],
    ]);
    expect(d[4]!.sizeBytes).toBe(536870912000);
    expect(d[3]).toMatchObject({ mountpoint: '/', fstype: 'xfs' });
  });

  it('df -PT keeps mount points with spaces', () => {
    const f = parseDf(DF);
    expect(f.map((x) => x.mount)).toEqual(['/dev', '/', '/boot', '/data/with space', '/run/user/0']);
    expect(f[1]).toEqual({ source: '/dev/mapper/rhel-root', type: 'xfs', sizeKiB: 73364480, usedKiB: 12345678, availKiB: 61018802, mount: '/' });
  });

  it('ip -j addr: MAC lower-cased, link-local IPv6 left out', () => {
    const i = parseIpAddr(IP);
    expect(i[1]).toEqual({ name: 'ens192', mac: '00:50:56:ab:cd:ef', up: true, loopback: false, ipv4: ['10.20.30.40'], ipv6: ['2001:db8::40'] });
    expect(i[0]!.loopback).toBe(true);
  });

  it('ss: endpoints in every notation, listening ports folded across families', () => {
    expect(splitEndpoint('[::ffff:10.1.2.3]:443')).toEqual({ ip: '10.1.2.3', port: 443 });
    expect(splitEndpoint('0.0.0.0%ens192:68')).toEqual({ ip: '0.0.0.0', port: 68 });
    expect(splitEndpoint('[fe80::1]%eth0:22')).toEqual({ ip: 'fe80::1', port: 22 });
    expect(splitEndpoint('*:*')).toEqual({ ip: '*', port: null });
    const s = parseSs(SS);
    expect(s).toHaveLength(11);
    expect(s[4]).toEqual({ protocol: 'tcp', state: 'ESTAB', localIp: '10.20.30.40', localPort: 22, peerIp: '10.20.30.5', peerPort: 51544, process: 'sshd' });
    expect(listeningPorts(s)).toEqual([
      { protocol: 'tcp', port: 22, process: 'sshd', loopbackOnly: false },
      { protocol: 'udp', port: 68, process: 'dhclient', loopbackOnly: false },
      { protocol: 'tcp', port: 443, process: 'nginx', loopbackOnly: false },
      { protocol: 'tcp', port: 5432, process: 'postgres', loopbackOnly: true },
    ]);
    // ss -Htan (no Netid column)
    expect(parseSs('ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n')[0]).toMatchObject({ protocol: 'tcp', localPort: 22, peerIp: '10.0.0.2' });
  });

  it('systemctl running services', () => {
    expect(parseSystemctl(SYSTEMCTL)).toEqual([
      { unit: 'chronyd.service', description: 'NTP client/server' },
      { unit: 'nginx.service', description: 'The nginx HTTP and reverse proxy server' },
      { unit: 'postgresql.service', description: 'PostgreSQL database server' },
    ]);
  });

  it('counter samples → utilization average, p95 and max (partitions, LVM and loopback not counted twice)', () => {
    const a = parseCounterSample(sample(1, [100, 0, 100, 800, 0, 0, 0, 0], 600000, [10, 100, 20, 200], [1000, 2000]), 0);
    expect(a).toMatchObject({ cpuTotal: 1000, cpuIdle: 800, memTotalKiB: 1000000, memAvailableKiB: 600000, diskIos: 30, diskReadSectors: 100, diskWriteSectors: 200, netRxBytes: 1000, netTxBytes: 2000 });
    const b = parseCounterSample(sample(1, [150, 0, 150, 900, 0, 0, 0, 0], 500000, [20, 2148, 30, 4296], [103400, 206800]), 1000);
    const c = parseCounterSample(sample(1, [150, 0, 150, 1100, 0, 0, 0, 0], 700000, [20, 2148, 30, 4296], [103400, 206800]), 2000);
    const u = utilizationFromSamples([a, b, c])!;
    expect(u.cpuMaxPct).toBe(50);
    expect(u.cpuAvgPct).toBe(25);
    expect(u.cpuP95Pct).toBe(50);
    expect(u.memMaxPct).toBe(50);
    expect(u.diskReadKBpsMax).toBe(1024);
    expect(u.diskWriteKBpsMax).toBe(2048);
    expect(u.diskIopsMax).toBe(20);
    expect(u.netInKBpsMax).toBe(100);
    expect(u.samples).toBe(3);
    expect(u.periodSeconds).toBe(2);
    expect(utilizationFromSamples([a])).toBeUndefined();
    // A counter reset (reboot) drops that interval instead of reporting a negative rate.
    expect(utilizationFromSamples([b, { ...a, at: 2000 }])).toBeUndefined();
    expect(p95([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100])).toBe(19);
  });
});

describe('fixed commands and their framing', () => {
  it('the facts script frames each command with the nonce; output cannot forge a frame without it', () => {
    const nonce = 'a1b2c3d4e5f60718293a4b5c';
    const script = factsScript(nonce);
    for (const cmd of Object.values(SSH_COMMANDS)) expect(script).toContain(cmd);
    const out = `\n@@${nonce} hostname\nweb01\n\n@@${nonce}-exit 0\n\n@@${nonce} osRelease\nID=x\n@@othernonce hostname\nevil\n\n@@${nonce}-exit 0\n\n@@${nonce} services\n\n@@${nonce}-exit 127\n`;
    const m = splitFacts(out, nonce);
    expect(m.get('hostname')).toEqual({ stdout: 'web01\n', code: 0 });
    expect(m.get('osRelease')!.stdout).toContain('@@othernonce');
    expect(m.get('services')!.code).toBe(127);
    expect(() => factsScript('x; rm -rf /')).toThrow();
    expect(sampleScript(nonce, 3, 0.5)).toMatch(/-lt 3 .* sleep 0\.50/);
    expect(splitSamples(`@@${nonce}-sample 1700000000123456789\nA\n@@${nonce}-sample 1700000001123456789\nB\n`, nonce)).toEqual([
      { at: 1700000000123, text: '\nA\n' },
      { at: 1700000001123, text: '\nB\n' },
    ]);
  });
});

describe('known_hosts', () => {
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
  const other = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 9)]);
  it('plain, wildcard, negated and hashed entries; a changed key and a revoked key are told apart', () => {
    const b64 = blob.toString('base64');
    expect(hostsMatch('web01,[10.0.0.5]:2222', '[10.0.0.5]:2222')).toBe(true);
    expect(hostsMatch('*.example.com,!bad.example.com', 'bad.example.com')).toBe(false);
    expect(hostsMatch('*.example.com', 'a.example.com')).toBe(true);
    const hashed = hashedLine('[10.0.0.5]:2222', blob);
    const entries = parseKnownHosts(`# comment\n${hashed}\nweb01 ssh-ed25519 ${other.toString('base64')}\n@revoked db01 ssh-ed25519 ${b64}\n`);
    expect(checkHostKey(entries, '[10.0.0.5]:2222', blob).status).toBe('known');
    expect(checkHostKey(entries, '10.0.0.5', blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'web01', blob).status).toBe('changed');
    expect(checkHostKey(entries, 'db01', blob).status).toBe('revoked');
  });
});

describe('facts → server and dependencies', () => {
  const facts: HostFacts = {
    target: { name: 'app01', host: '10.20.30.40', port: 22, user: 'ops' },
    hostname: 'app01',
    fqdn: 'app01.corp.example',
    machineId: '0123456789abcdef0123456789abcdef',
    os: parseOsRelease(OS_RELEASE),
    kernel: parseUname('Linux 5.14.0 x86_64'),
    cpu: parseCpuinfo(CPUINFO),
    memoryMiB: memoryMiB(MEMINFO),
    blockDevices: parseLsblk(LSBLK),
    fileSystems: parseDf(DF),
    interfaces: parseIpAddr(IP),
    sockets: parseSs(SS),
    services: parseSystemctl(SYSTEMCTL),
    warnings: [],
    discoveredAt: '2026-11-29T05:00:00.000Z',
  };

  it('a server with identity, OS, CPU, memory, disks, file systems, NICs, ports and services', () => {
    const s = factsToServer(facts);
    expect(s).toMatchObject({ name: 'app01', source: { kind: 'ssh' }, identity: { fqdn: 'app01.corp.example', externalId: 'machine-id:0123456789abcdef0123456789abcdef' }, os: { family: 'linux', reported: 'Red Hat Enterprise Linux 9.4 (Plow)' }, cpu: { vcpus: 4, sockets: 2, coresPerSocket: 2 }, memoryMiB: 7851 });
    expect(s.disks.map((d) => [d.label, d.capacityMiB])).toEqual([['sda', 102400], ['sdb', 512000]]);
    expect(s.partitions.map((p) => p.path)).toEqual(['/', '/boot', '/data/with space']);
    expect(s.partitions[0]!.freeMiB).toBe(58 * 1024); // 61,018,802 KiB = 58.2 GiB, kept to the GiB
    expect(s.nics).toEqual([{ label: 'ens192', mac: '00:50:56:ab:cd:ef', ipv4: ['10.20.30.40'], ipv6: ['2001:db8::40'], connected: true }]);
    expect(s.tags['ssh.listening']).toBe('22/tcp sshd, 68/udp dhclient, 443/tcp nginx');
    expect(s.tags['ssh.services']).toBe('chronyd, nginx, postgresql');
  });

  it('established connections: inbound to a listening port points at this host, outbound at the peer; loopback left out; repeats counted', () => {
    const c = factsToConnections(facts);
    expect(c.map((x) => [x.source.ip, x.source.process, x.destination.ip, x.destination.process, x.port, x.count])).toEqual([
      ['10.20.30.5', undefined, '10.20.30.40', 'sshd', 22, 1],
      ['10.20.30.40', 'java', '10.20.30.77', undefined, 5432, 2],
      ['10.9.9.9', undefined, '10.20.30.40', 'nginx', 443, 1],
    ]);
    expect(c[1]!.source.name).toBe('app01');
  });
});

describe('fuzzed: every parser returns a bounded result or throws the typed error, never crashes', () => {
  const parsers: [string, (s: string) => unknown][] = [
    ['os-release', parseOsRelease],
    ['uname', parseUname],
    ['cpuinfo', parseCpuinfo],
    ['nproc', parseNproc],
    ['meminfo', memoryMiB],
    ['lsblk', parseLsblk],
    ['df', parseDf],
    ['ip', parseIpAddr],
    ['ss', parseSs],
    ['systemctl', parseSystemctl],
    ['sample', (s) => parseCounterSample(s, 0)],
  ];
  const seeds = [OS_RELEASE, CPUINFO, MEMINFO, LSBLK, DF, IP, SS, SYSTEMCTL, sample(1, [1, 2, 3, 4], 5, [1, 2, 3, 4], [1, 2])];
  // Realistic output mutated (cut, spliced, characters replaced) plus arbitrary text and JSON.
  fuzzParsers(parsers, mutatedText(seeds, fc.json({ maxDepth: 4 })), 400);

  it('a flood of lines stays bounded', () => {
    const flood = 'tcp ESTAB 0 0 10.0.0.1:1 10.0.0.2:2\n'.repeat(20_000);
    expect(parseSs(flood)).toHaveLength(MAX_ENTRIES);
    expect(parseSystemctl('a.service loaded active running x\n'.repeat(20_000))).toHaveLength(MAX_ENTRIES);
  });
});

describe('aliases of one machine', () => {
  it('become one server (same machine-id; else the same host name)', async () => {
    const { sameMachines } = await import('../../../../../main/discovery/ssh/discover');
    const base = { cpu: { vcpus: 1 }, memoryMiB: 1, blockDevices: [], fileSystems: [], interfaces: [], sockets: [], services: [], warnings: [], discoveredAt: '' };
    const f = (name: string, hostname: string, machineId?: string): HostFacts => ({ ...base, target: { name, host: '127.0.0.1', port: 22, user: 'u' }, hostname, ...(machineId ? { machineId } : {}) });
    const r = sameMachines([f('a', 'vm', 'x'.repeat(32)), f('b', 'other-name', 'x'.repeat(32)), f('c', 'web'), f('d', 'WEB')]);
    expect(r.unique.map((u) => u.target.name)).toEqual(['a', 'c']);
    expect(r.duplicates).toEqual([{ name: 'b', sameAs: 'a' }, { name: 'd', sameAs: 'c' }]);
  });
});

describe('mwb discover ssh usage errors (exit 2, nothing contacted)', () => {
  it('asks for a login method, rejects a malformed host and an unreadable key file', async () => {
    const { discoverSshCommand } = await import('../../../../../main/cli/discover-ssh.command');
    const call = async (o: Record<string, unknown>) => {
      let err = '';
      const code = await discoverSshCommand({ host: ['web01'], user: 'ops', project: '/nonexistent/p.mwb.json', ...o }, { stdout: () => undefined, stderr: (s) => (err += s), readStdin: async () => '' });
      return { code, err };
    };
    expect(await call({})).toEqual({ code: 2, err: expect.stringMatching(/--key FILE, --password-stdin or --agent/) });
    expect(await call({ host: ['web01; rm -rf /'], key: '/k' })).toEqual({ code: 2, err: expect.stringMatching(/is not a host name/) });
    expect(await call({ key: '/nonexistent/key' })).toEqual({ code: 2, err: expect.stringMatching(/key file key could not be read \(ENOENT\)/) });
    expect(await call({ user: 'a b', key: '/k' })).toEqual({ code: 2, err: expect.stringMatching(/--user/) });
  });
});
