import { execFile } from 'node:child_process';
import { appendFile, chmod, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { sharedPath } from './shared';
import { tempDir } from './temp-dir';
import { peerPort } from './ports';

const run = promisify(execFile);

/**
 * A loopback port free a moment ago (listen on 0, close): any other listen(0) may be given it next, so it suits a
 * port that should refuse connections, briefly; a peer's port comes from `peerPort()` (helpers/ports.ts).
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Waits until an SSH server on 127.0.0.1:port sends its banner. */
async function waitForBanner(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      const done = (v: boolean) => (sock.destroy(), resolve(v));
      sock.setTimeout(2000, () => done(false));
      sock.once('data', (d) => done(d.toString('latin1').startsWith('SSH-2.0')));
      sock.once('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SshdPeer {
  port: number;
  dir: string;
  user: string;
  /** The client's private key (key-only login). */
  keyFile: string;
  /** The host's public key line (`ssh-ed25519 AAAA… comment`). */
  hostPub: string;
  /** OpenSSH known_hosts pinning the host key for [127.0.0.1]:port. */
  knownHostsFile: string;
  /** The listening sshd's process id (its pidfile): its /proc/PID/stat counts the CPU of the logins it served. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * The real OpenSSH sshd of /work/shared/peers/start-sshd.sh (key-only) on an ephemeral loopback port with its own
 * keys in a temp dir; `stop()` kills only that sshd (the script's pidfile).
 */
export async function startSshd(opts: { extraConfig?: readonly string[]; dropConfig?: RegExp; user?: string } = {}): Promise<SshdPeer> {
  const base = await tempDir('mwb-sshd-');
  const dir = path.join(base, 'peer');
  const port = await peerPort();
  const script = sharedPath('peers', 'start-sshd.sh');
  const env = { ...process.env, SSHD_PORT: String(port), SSHD_DIR: dir, ...(opts.user ? { SSHD_USER: opts.user } : {}) };
  const { stdout } = await run('bash', [script, 'start'], { env, timeout: 120_000 });
  if (opts.user) {
    // Another login (e.g. `nobody`, whose shell is nologin: internal-sftp needs none): sshd reads authorized_keys as
    // that user, so the temp folders and the file become readable to it (the keys in them are the test's own).
    await Promise.all([chmod(base, 0o755), chmod(dir, 0o755), chmod(path.join(dir, 'authorized_keys'), 0o644)]);
  }
  if (opts.extraConfig?.length || opts.dropConfig) {
    // Extra sshd_config lines (e.g. a benchmark's MaxStartups), or lines left out (`Subsystem` for a server without
    // SFTP): stop, change the script's config, and start sshd with it as the script does (same command line, so the
    // script's stop still finds it; the script rewrites the file).
    await run('bash', [script, 'stop'], { env, timeout: 30_000 });
    const config = path.join(dir, 'sshd_config');
    if (opts.dropConfig) {
      const drop = opts.dropConfig;
      await writeFile(config, (await readFile(config, 'utf8')).split('\n').filter((l) => !drop.test(l)).join('\n'));
    }
    if (opts.extraConfig?.length) await appendFile(config, `${opts.extraConfig.join('\n')}\n`);
    await run('/usr/sbin/sshd', ['-t', '-f', config], { timeout: 30_000 });
    await run('/usr/sbin/sshd', ['-f', config, '-E', path.join(dir, 'sshd.log')], { timeout: 30_000 });
    await waitForBanner(port, 10_000);
  }
  const m = /ENDPOINT=ssh:\/\/([^@]+)@127\.0\.0\.1:(\d+)/.exec(stdout);
  if (!m) throw new Error(`start-sshd.sh printed no endpoint: ${stdout.slice(0, 200)}`);
  return {
    port,
    dir,
    user: m[1]!,
    keyFile: path.join(dir, 'id_ed25519'),
    hostPub: (await readFile(path.join(dir, 'host_ed25519.pub'), 'utf8')).trim(),
    knownHostsFile: path.join(dir, 'known_hosts'),
    pid: Number((await readFile(path.join(dir, 'sshd.pid'), 'utf8')).trim()),
    stop: async () => {
      await run('bash', [script, 'stop'], { env, timeout: 30_000 });
    },
  };
}
