import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSshCommand, type DiscoverSshCliOptions } from '../../../main/cli/discover-ssh.command';
import { ServerSchema } from '../../../main/common/model/server';
import { KnownHostsFile } from '../../../main/discovery/ssh/known-hosts';
import { SshSession } from '../../../main/discovery/ssh/session';
import { freePort, startSshd, type SshdPeer } from '../../helpers/sshd-peer';
import { tempDir } from '../../helpers/temp-dir';

const run = promisify(execFile);

/** `mwb discover ssh` as the CLI runs it (in process), with captured output and optional stdin. */
async function discover(o: Partial<DiscoverSshCliOptions> & Pick<DiscoverSshCliOptions, 'host' | 'project'>, stdin = '', signal?: AbortSignal) {
  let stdout = '';
  let stderr = '';
  const code = await discoverSshCommand(
    { user: peer.user, port: peer.port, key: peer.keyFile, json: true, dataDir, ...o },
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readStdin: async () => stdin, ...(signal ? { signal } : {}) },
  );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON report, checked field by field below
  return { code, stderr, json: JSON.parse(stdout) as Record<string, any> };
}

let peer: SshdPeer;
let dir: string;
let dataDir: string;

beforeAll(async () => {
  peer = await startSshd();
  dir = await tempDir('mwb-ssh-discovery-');
  dataDir = path.join(dir, 'data');
}, 180_000);

afterAll(async () => {
  await peer?.stop();
});

describe('mwb discover ssh against a real OpenSSH sshd on loopback', () => {
  const project = () => path.join(dir, 'estate.mwb.json');
  const knownHosts = () => path.join(dir, 'known_hosts');

  it('refuses an unknown host key without --accept-new (typed error; nothing recorded, no project written)', async () => {
    const r = await discover({ host: ['127.0.0.1'], knownHosts: knownHosts(), project: project() });
    expect(r.code).toBe(1);
    expect(r.json.hosts[0].ok).toBe(false);
    expect(r.json.hosts[0].error.code).toBe('ssh-host-key-unknown');
    expect(r.json.hosts[0].error.message).toMatch(/SHA256:[A-Za-z0-9+/]{43}/);
    expect(existsSync(knownHosts())).toBe(false);
    expect(existsSync(project())).toBe(false);
  }, 60_000);

  it('with --accept-new trusts the key (shown, stored hashed), logs in with the key and merges the host with its facts', async () => {
    const r = await discover({ host: ['lab1=127.0.0.1'], knownHosts: knownHosts(), acceptNew: true, project: project(), sample: 1, sampleInterval: 0.25 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Trusted a new host key for \[127\.0\.0\.1\]:\d+: ssh-ed25519 SHA256:/);
    expect(r.json).toMatchObject({ servers: 1, added: 1, updated: 0, unchanged: 0, totalInProject: 1 });
    expect(r.json.newHostKeys).toHaveLength(1);
    const kh = await readFile(knownHosts(), 'utf8');
    expect(kh).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 AAAA/);
    expect(kh).toContain(peer.hostPub.split(' ')[1]);
    // OpenSSH itself finds the hashed entry we wrote.
    const found = await run('ssh-keygen', ['-F', `[127.0.0.1]:${peer.port}`, '-f', knownHosts()]);
    expect(found.stdout).toContain('ssh-ed25519');

    const doc = JSON.parse(await readFile(project(), 'utf8'));
    const s = ServerSchema.parse(doc.inventory.servers[0]);
    const hostname = (await run('hostname')).stdout.trim();
    expect(s.name).toBe(hostname);
    expect(s.source).toEqual({ kind: 'ssh', name: 'SSH discovery' });
    expect(s.os.family).toBe('linux');
    expect(s.os.reported).toMatch(/Debian/);
    expect(s.cpu.vcpus).toBeGreaterThan(0);
    expect(s.memoryMiB).toBeGreaterThan(100);
    expect(s.disks.length).toBeGreaterThan(0);
    expect(s.partitions.some((p) => p.path === '/')).toBe(true);
    expect(s.tags['ssh.kernel']).toMatch(/^Linux /);
    expect(s.provenance.memoryMiB).toContain('/proc/meminfo');
    expect(s.utilization?.samples).toBeGreaterThanOrEqual(2);
    expect(s.utilization?.cpuMaxPct).toBeGreaterThanOrEqual(s.utilization?.cpuP95Pct ?? 0);
    expect(doc.inventory.imports.at(-1)).toMatchObject({ kind: 'ssh', files: [`ssh://${peer.user}@lab1:${peer.port}`], added: 1 });
  }, 120_000);

  it('a re-run finds the same host unchanged (the known key is accepted without --accept-new)', async () => {
    const r = await discover({ host: ['lab1=127.0.0.1'], knownHosts: knownHosts(), project: project() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ servers: 1, added: 0, updated: 0, unchanged: 1, totalInProject: 1 });
    expect(r.json.newHostKeys).toEqual([]);
  }, 120_000);

  it('accepts a known_hosts entry hashed by OpenSSH (ssh-keygen -H)', async () => {
    const hashed = path.join(dir, 'hashed_known_hosts');
    await copyFile(peer.knownHostsFile, hashed);
    await run('ssh-keygen', ['-H', '-f', hashed]);
    expect(await readFile(hashed, 'utf8')).toMatch(/^\|1\|/);
    const s = await SshSession.open({ name: 'x', host: '127.0.0.1', port: peer.port, user: peer.user }, { privateKey: await readFile(peer.keyFile) }, { knownHosts: new KnownHostsFile(hashed), acceptNew: false });
    s.close();
  }, 60_000);

  it('logs in through an ssh-agent holding the key (agent authentication)', async () => {
    const sock = path.join(dir, 'agent.sock');
    const started = await run('ssh-agent', ['-a', sock, '-s']);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(started.stdout)?.[1];
    expect(pid).toBeDefined();
    try {
      await run('ssh-add', [peer.keyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      const s = await SshSession.open({ name: 'x', host: '127.0.0.1', port: peer.port, user: peer.user }, { agent: sock }, { knownHosts: new KnownHostsFile(peer.knownHostsFile), acceptNew: false });
      s.close();
    } finally {
      process.kill(Number(pid));
    }
  }, 60_000);

  it('refuses a changed host key, even with --accept-new', async () => {
    const other = path.join(dir, 'other_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const pinned = path.join(dir, 'changed_known_hosts');
    const pub = (await readFile(`${other}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
    await writeFile(pinned, `[127.0.0.1]:${peer.port} ${pub}\n`);
    const r = await discover({ host: ['127.0.0.1'], knownHosts: pinned, acceptNew: true, project: project() });
    expect(r.code).toBe(1);
    expect(r.json.hosts[0].error.code).toBe('ssh-host-key-changed');
    expect(await readFile(pinned, 'utf8')).toBe(`[127.0.0.1]:${peer.port} ${pub}\n`);
  }, 60_000);

  it('a password login to the key-only sshd is refused with a typed error; the password is never printed', async () => {
    const secret = 'hunter2-not-the-password';
    const r = await discover({ host: ['127.0.0.1'], knownHosts: peer.knownHostsFile, key: undefined, passwordStdin: true, project: project() }, `${secret}\n`);
    expect(r.code).toBe(1);
    expect(r.json.hosts[0].error.code).toBe('ssh-auth-failed');
    expect(JSON.stringify(r.json) + r.stderr).not.toContain(secret);
  }, 60_000);

  it('a closed port fails fast as unreachable; a silent port times out; a cancel stops at once', async () => {
    const closed = await freePort();
    let t = Date.now();
    let r = await discover({ host: ['127.0.0.1'], port: closed, knownHosts: knownHosts(), project: project() });
    expect(r.json.hosts[0].error.code).toBe('ssh-unreachable');
    expect(Date.now() - t).toBeLessThan(3000);

    const silent = net.createServer(() => undefined);
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      t = Date.now();
      r = await discover({ host: ['127.0.0.1'], port, knownHosts: knownHosts(), project: project(), timeout: 0.5 });
      expect(r.json.hosts[0].error.code).toBe('ssh-timeout');
      expect(Date.now() - t).toBeLessThan(3000);

      const ac = new AbortController();
      t = Date.now();
      setTimeout(() => ac.abort(), 200);
      r = await discover({ host: ['127.0.0.1'], port, knownHosts: knownHosts(), project: project() }, '', ac.signal);
      expect(r.code).toBe(130);
      expect(r.json.error.code).toBe('cancelled');
      expect(Date.now() - t).toBeLessThan(3000);
    } finally {
      silent.close();
    }
    // The project still holds the one host.
    const doc = JSON.parse(await readFile(project(), 'utf8'));
    expect(doc.inventory.servers).toHaveLength(1);
  }, 60_000);
});
