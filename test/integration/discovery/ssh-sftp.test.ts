import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isWorkbenchError } from '../../../main/common/model/errors';
import { collectOverSftp } from '../../../main/discovery/ssh/collect-sftp';
import { discoverHost } from '../../../main/discovery/ssh/discover';
import { factsToServer } from '../../../main/discovery/ssh/host-facts';
import { KnownHostsFile } from '../../../main/discovery/ssh/known-hosts';
import { SshSession, type SshTarget } from '../../../main/discovery/ssh/session';
import { SftpReader } from '../../../main/discovery/ssh/sftp';
import { startSshd, type SshdPeer } from '../../helpers/sshd-peer';

// Two real OpenSSH servers on loopback, one machine: the peer script's (`Subsystem sftp internal-sftp`) and the same
// without its Subsystem line, which refuses SFTP as a locked-down server does.
let peer: SshdPeer;
let noSftp: SshdPeer;
let key: Buffer;
const run = promisify(execFile);

beforeAll(async () => {
  [peer, noSftp] = await Promise.all([startSshd(), startSshd({ dropConfig: /^Subsystem\s/ })]);
  key = await readFile(peer.keyFile);
}, 180_000);

afterAll(async () => {
  await Promise.all([peer?.stop(), noSftp?.stop()]);
});

const target = (p: SshdPeer, name = 'lab1'): SshTarget => ({ name, host: '127.0.0.1', port: p.port, user: p.user });
const opts = (p: SshdPeer) => ({ knownHosts: new KnownHostsFile(p.knownHostsFile), acceptNew: false });

describe('SSH discovery over SFTP, and its one-command fallback', () => {
  it('reads every fact over SFTP without running a command; a server that refuses SFTP gets one exec channel and the same server', async () => {
    const exec = vi.spyOn(SshSession.prototype, 'exec');
    try {
      const viaSftp = await discoverHost(target(peer), { privateKey: key }, { ...opts(peer), sampleSeconds: 1, sampleIntervalSeconds: 0.25 });
      expect(exec).not.toHaveBeenCalled();
      expect(viaSftp.via).toBe('sftp');
      expect(viaSftp.warnings.join(' ')).not.toMatch(/SFTP/);

      const viaShell = await discoverHost(target(noSftp), { privateKey: await readFile(noSftp.keyFile) }, { ...opts(noSftp), sampleSeconds: 1, sampleIntervalSeconds: 0.25 });
      expect(exec).toHaveBeenCalledTimes(1);
      expect(viaShell.via).toBe('shell');
      expect(viaShell.warnings[0]).toMatch(/refused SFTP .*one shell command instead/);

      // One machine read two ways: the same inventory server (free space and utilization move between the runs).
      const a = factsToServer(viaSftp);
      const b = factsToServer(viaShell);
      const stable = (s: typeof a) => ({ ...s, partitions: s.partitions.map((p) => ({ ...p, freeMiB: 0 })), provenance: {}, utilization: undefined, tags: { ...s.tags, 'ssh.listening': '' } });
      expect(stable(a)).toEqual(stable(b));
      expect(a.name).toBeTruthy();
      expect(a.disks.length).toBeGreaterThan(0);
      expect(a.partitions.some((p) => p.path === '/')).toBe(true);
      expect(a.tags['ssh.kernel']).toMatch(/^Linux \S+ \S+$/);
      expect(a.provenance.disks).toMatch(/^\/sys\/block \(ssh /);
      expect(b.provenance.disks).toMatch(/^lsblk -J \(ssh /);
      for (const s of [a, b]) {
        expect(s.utilization?.samples).toBeGreaterThanOrEqual(3);
        expect(s.utilization?.cpuMaxPct).toBeGreaterThanOrEqual(s.utilization?.cpuP95Pct ?? 0);
      }
    } finally {
      exec.mockRestore();
    }
  }, 120_000);

  it('names the process of a listening socket from /proc/PID/fd (the peer sshd listening on its port)', async () => {
    const f = await discoverHost(target(peer), { privateKey: key }, opts(peer));
    const own = f.sockets.find((s) => s.state === 'LISTEN' && s.localPort === peer.port);
    expect(own).toMatchObject({ protocol: 'tcp', localIp: '127.0.0.1', peerPort: null });
    if (process.getuid?.() === 0) expect(own?.process).toBe('sshd');
  }, 60_000);

  it('a cancel during utilization sampling over SFTP stops at once; a deadline shorter than the reading is ssh-timeout', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 1500);
    const err = await discoverHost(target(peer), { privateKey: key }, { ...opts(peer), sampleSeconds: 30, sampleIntervalSeconds: 1, signal: ac.signal }).catch((e: unknown) => e);
    expect(isWorkbenchError(err, 'cancelled')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(4000);

    const late = await discoverHost(target(peer), { privateKey: key }, { ...opts(peer), commandTimeoutMs: 1 }).catch((e: unknown) => e);
    expect(isWorkbenchError(late, 'ssh-timeout')).toBe(true);
  }, 60_000);

  it('the requests sent in one turn of the event loop leave as one SSH packet, and each answer still reaches its caller', async () => {
    const session = await SshSession.open(target(peer), { privateKey: key }, opts(peer));
    try {
      const sftp = await session.openSftp();
      const protocol = (sftp as unknown as { _protocol: { channelData: (id: number, data: Buffer) => void } })._protocol;
      const packets = vi.spyOn(protocol, 'channelData');
      const r = new SftpReader(sftp, 'lab1', 30_000);
      const paths = ['/proc/self/exe', '/proc/self/cwd', '/proc/self/root', '/nonexistent/a', '/proc/self/exe', '/proc/self/root'];
      const sent = packets.mock.calls.length;
      const links = await Promise.all(paths.map((p) => r.readlinkStatus(p)));
      expect(links[0]).toMatch(/^\//);
      expect(links[2]).toBe('/');
      expect(links[3]).toBe(2);
      expect(links[4]).toBe(links[0]);
      // Six requests, one packet.
      expect(packets.mock.calls.length - sent).toBe(1);
      expect(packets.mock.calls.at(-1)![1].length).toBeGreaterThan(6 * 13);
      r.close();
    } finally {
      session.close();
    }
  }, 60_000);

  it('reads are bounded: a file beyond its cap is cut and said so; what is missing or not allowed is undefined, not an error', async () => {
    const session = await SshSession.open(target(peer), { privateKey: key }, opts(peer));
    try {
      const r = new SftpReader(await session.openSftp(), 'lab1', 30_000);
      const big = await r.readFile('/etc/services', 1000);
      expect(big).toMatchObject({ truncated: true });
      expect(Buffer.byteLength(big!.text)).toBe(1000);
      const small = await r.readFile('/proc/sys/kernel/ostype');
      expect(small).toEqual({ text: 'Linux\n', truncated: false });
      // A multi-record procfs file answers a page at a time: read to its end.
      const tcp = await r.readFile('/proc/net/tcp');
      expect(tcp!.text.trimEnd().split('\n').length).toBeGreaterThan(1);
      expect(await r.readFile('/nonexistent/file')).toBeUndefined();
      expect(await r.readdir('/nonexistent')).toBeUndefined();
      expect((await r.readdir('/proc'))!.length).toBeGreaterThan(3);
      // A link's target, or the status answered instead (the process scan skips a process whose first link is refused).
      expect(await r.readlinkStatus('/proc/self/exe')).toMatch(/^\//);
      expect(await r.readlinkStatus('/nonexistent/link')).toBe(2);
      r.close();
      await expect(r.readFile('/etc/hostname')).rejects.toMatchObject({ code: 'ssh-unreachable' });
    } finally {
      session.close();
    }
  }, 60_000);
});

describe('SSH discovery over SFTP as a login that is not root', () => {
  let asNobody: SshdPeer;
  beforeAll(async () => {
    asNobody = await startSshd({ user: 'nobody' });
  }, 180_000);
  afterAll(async () => {
    await asNobody?.stop();
  });

  it("reads the facts, and the process scan does not try other users' processes (root's PID 1 among them)", async () => {
    const session = await SshSession.open(target(asNobody), { privateKey: await readFile(asNobody.keyFile) }, opts(asNobody));
    try {
      const sftp = await session.openSftp();
      const opened: string[] = [];
      const opendir = sftp.opendir.bind(sftp);
      sftp.opendir = ((p: string, cb: never) => (opened.push(p), opendir(p, cb))) as typeof sftp.opendir;
      const r = new SftpReader(sftp, 'lab1', 60_000);
      const facts = await collectOverSftp(r, 'lab1');
      r.close();
      expect(facts.hostname).toBeTruthy();
      expect(facts.memoryMiB).toBeGreaterThan(100);
      // The scan runs when a port listens beyond loopback (this machine has one, not of the test's making: tests
      // listen on loopback only); it then looks into nobody's processes only, this login's own sshd among them.
      const fdDirs = opened.filter((p) => /^\/proc\/\d+\/fd$/.test(p));
      const listensBeyondLoopback = facts.sockets.some((s) => s.state === 'LISTEN' && !s.localIp.startsWith('127.') && s.localIp !== '::1');
      if (listensBeyondLoopback) expect(fdDirs.length).toBeGreaterThan(0);
      expect(fdDirs).not.toContain('/proc/1/fd');
      const { stdout } = await run('ps', ['-e', '-o', 'pid=,user=']);
      const rootPids = new Set(stdout.split('\n').filter((l) => /\sroot$/.test(l.trim())).map((l) => `/proc/${l.trim().split(/\s+/)[0]}/fd`));
      expect(fdDirs.filter((d) => rootPids.has(d))).toEqual([]);
    } finally {
      session.close();
    }
  }, 60_000);
});
