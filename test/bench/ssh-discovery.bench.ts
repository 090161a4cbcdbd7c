// `mwb discover ssh` as a user runs it (a fresh CLI process, start-up included): 20 hosts in parallel against one
// host, in the same run. The 20 "hosts" are the same loopback sshd (/work/shared/peers/start-sshd.sh, ephemeral
// port) under 20 names (`--host h01=127.0.0.1` …); they are one machine, so the project ends with one server.
// Target: 20 hosts ≤ 2 × one. Uses the built CLI (out/main/cli.mjs) when present, else main/cli.ts through tsx.
// References in the same run: the handshakes alone through ssh2 (log in, open SFTP), OpenSSH logins without a shell
// (`ssh -s … sftp`), 1 and 20 at once, and one login shell.
// The floor this machine sets: every "host" is the same sshd on the same cores, so each extra host's login costs the
// one machine the sshd's CPU per login (its /proc/PID/stat, children included); 1 host + 19 × that ÷ cores is the
// fastest the 20 hosts can be here, whatever the client does. mwb's own CPU (the CLI process, user + sys) is shown too.
// Prints figures and ratios; asserts nothing.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectOverSftp } from '../../main/discovery/ssh/collect-sftp';
import { KnownHostsFile } from '../../main/discovery/ssh/known-hosts';
import { SftpReader } from '../../main/discovery/ssh/sftp';
import { SshSession } from '../../main/discovery/ssh/session';
import { startSshd } from '../helpers/sshd-peer';
import { tempDir } from '../helpers/temp-dir';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const built = existsSync(path.join(ROOT, 'out', 'main', 'cli.mjs'));
const cli = built ? [path.join(ROOT, 'bin', 'mwb.mjs')] : ['--import', 'tsx', path.join(ROOT, 'main', 'cli.ts')];

// 20 hosts behind one sshd open 20 connections at once: sshd's default MaxStartups (10:30:100) sheds unauthenticated
// ones beyond 10, which 20 separate hosts would not do. The bench's sshd allows them (the same for the reference).
const MAX_STARTUPS = 'MaxStartups 100:30:200';
const peer = await startSshd({ extraConfig: [MAX_STARTUPS] });
const dir = await tempDir('mwb-bench-ssh-');
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 10_000 }).stdout.trim()) || 100;
const cores = os.cpus().length;
/** utime, stime, cutime, cstime of /proc/PID/stat (fields 14–17), in ms. */
const procCpu = async (pid: number | 'self'): Promise<{ own: number; children: number }> => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const ms = (n: number) => (n * 1000) / CLK_TCK;
  return { own: ms(f[11]! + f[12]!), children: ms(f[13]! + f[14]!) };
};
/** The sshd's CPU so far (itself and the reaped session processes), once the sessions of a run have ended. */
const sshdCpu = async (): Promise<number> => {
  // A session's processes end shortly after the client leaves: wait (bounded) until the listener has no children.
  for (let i = 0; i < 60; i++) {
    const kids = await readFile(`/proc/${peer.pid}/task/${peer.pid}/children`, 'utf8').catch(() => '');
    if (!kids.trim()) break;
    await sleep(50);
  }
  const c = await procCpu(peer.pid);
  return c.own + c.children;
};
const cliCpu: Record<number, number[]> = { 1: [], 20: [] };
const sshdPerHost: Record<number, number[]> = { 1: [], 20: [] };
try {
  const once = async (hosts: number): Promise<number> => {
    const project = path.join(dir, `p${hosts}.mwb.json`);
    rmSync(project, { force: true });
    const hostArgs = Array.from({ length: hosts }, (_, i) => ['--host', `h${String(i + 1).padStart(2, '0')}=127.0.0.1`]).flat();
    const args = [...cli, 'discover', 'ssh', ...hostArgs, '--port', String(peer.port), '--user', peer.user, '--key', peer.keyFile, '--known-hosts', peer.knownHostsFile, '--parallel', '20', '--project', project, '--json'];
    const sshd0 = await sshdCpu();
    const self0 = (await procCpu('self')).children;
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, MWB_DATA_DIR: path.join(dir, 'data') } });
    const ms = performance.now() - t0;
    // spawnSync waited for the CLI: its CPU (and its children's) is now in this process's cutime + cstime.
    cliCpu[hosts]!.push((await procCpu('self')).children - self0);
    sshdPerHost[hosts]!.push(((await sshdCpu()) - sshd0) / hosts);
    if (r.status !== 0) throw new Error(`discover ssh (${hosts} hosts) exited ${r.status}: ${(r.stderr || r.stdout).slice(0, 400)}`);
    const ok = (JSON.parse(r.stdout) as { hosts: { ok: boolean }[] }).hosts.filter((h) => h.ok).length;
    if (ok !== hosts) throw new Error(`only ${ok} of ${hosts} hosts discovered`);
    return ms;
  };
  // References, same run, through OpenSSH's own client against the same sshd: `ssh -s … sftp` with stdin closed logs
  // in and opens the sftp subsystem (internal-sftp: no shell), 1 and 20 at once: what the SSH handshakes themselves
  // cost, the floor of any discovery. And once, `ssh … true`: one login shell start, which SFTP discovery avoids.
  const sshdPerLogin: number[] = [];
  const openssh = async (n: number, remote: string[]): Promise<number> => {
    const sshd0 = await sshdCpu();
    const args = ['-p', String(peer.port), '-i', peer.keyFile, '-o', `UserKnownHostsFile=${peer.knownHostsFile}`, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectionAttempts=3', ...remote.slice(0, -1), `${peer.user}@127.0.0.1`, remote.at(-1)!];
    const t0 = performance.now();
    const codes = await Promise.all(
      Array.from({ length: n }, () => new Promise<number | null>((res) => {
        const child = execFile('ssh', args, { timeout: 300_000 }, (e) => res(e ? ((e as { code?: number }).code ?? 1) : 0));
        child.stdin?.end();
      })),
    );
    const ms = performance.now() - t0;
    if (n > 1) sshdPerLogin.push(((await sshdCpu()) - sshd0) / n);
    if (codes.some((c) => c !== 0)) console.log(`  (OpenSSH reference: ${codes.filter((c) => c !== 0).length} of ${n} logins failed)`);
    return ms;
  };
  // The same handshakes through our own client, in this process: log in (ssh2) and open SFTP, nothing read.
  const key = await readFile(peer.keyFile);
  const knownHosts = new KnownHostsFile(peer.knownHostsFile);
  const logins = async (n: number): Promise<number> => {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const s = await SshSession.open({ name: `h${i}`, host: '127.0.0.1', port: peer.port, user: peer.user }, { privateKey: key }, { knownHosts, acceptNew: false });
        (await s.openSftp()).end();
        s.close();
      }),
    );
    return performance.now() - t0;
  };
  // What one host's facts cost in SFTP requests (in this process, the same collection the CLI runs): alone, and each
  // of 20 read at once (every session also looks into the other sessions' processes on this one machine).
  const requests = async (n: number): Promise<number[]> => {
    const sessions = await Promise.all(Array.from({ length: n }, (_, i) => SshSession.open({ name: `h${i}`, host: '127.0.0.1', port: peer.port, user: peer.user }, { privateKey: key }, { knownHosts, acceptNew: false })));
    try {
      return await Promise.all(
        sessions.map(async (s) => {
          const r = new SftpReader(await s.openSftp(), 'h', 120_000);
          await collectOverSftp(r, 'h');
          r.close();
          return r.requests;
        }),
      );
    } finally {
      for (const s of sessions) s.close();
    }
  };
  // Same algorithms as ssh2 negotiates (OpenSSH 9 would pick the heavier sntrup761 key exchange).
  const SFTP = ['-o', 'KexAlgorithms=curve25519-sha256', '-o', 'Ciphers=aes128-gcm@openssh.com', '-s', 'sftp'];
  const loadBefore = os.loadavg()[0]!;
  const shell1 = await openssh(1, ['true']);
  const ref1: number[] = [];
  const ref20: number[] = [];
  const login1: number[] = [];
  const login20: number[] = [];
  const one: number[] = [];
  const twenty: number[] = [];
  // Interleaved rounds, so load from other processes falls on both alike.
  for (let i = 0; i < ROUNDS; i++) {
    ref1.push(await openssh(1, SFTP));
    ref20.push(await openssh(20, SFTP));
    login1.push(await logins(1));
    login20.push(await logins(20));
    one.push(await once(1));
    twenty.push(await once(20));
  }
  const req1 = await requests(1);
  const req20 = await requests(20);
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const m1 = median(one);
  const m20 = median(twenty);
  console.log(`ssh discovery (${built ? 'built CLI' : 'CLI through tsx'}, sshd with ${MAX_STARTUPS}), ${ROUNDS} interleaved rounds, ${cores} CPUs, load ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after; median wall time per CLI process:`);
  console.log(`  1 host:              ${(m1 / 1000).toFixed(2)} s  (runs: ${one.map((t) => (t / 1000).toFixed(2)).join(', ')})`);
  console.log(`  20 hosts, parallel:  ${(m20 / 1000).toFixed(2)} s  (runs: ${twenty.map((t) => (t / 1000).toFixed(2)).join(', ')})`);
  console.log(`  ratio 20 hosts / 1 host: ${(m20 / m1).toFixed(2)}× (target ≤ 2×)`);
  const r1 = median(ref1);
  const r20 = median(ref20);
  console.log(`  reference, OpenSSH \`ssh -s … sftp\` (login + subsystem, no shell): 1 login ${(r1 / 1000).toFixed(2)} s, 20 at once ${(r20 / 1000).toFixed(2)} s, ratio ${(r20 / r1).toFixed(2)}×`);
  const l1 = median(login1);
  const l20 = median(login20);
  console.log(`  handshakes alone through ssh2 (log in + open SFTP, nothing read): 1 ${(l1 / 1000).toFixed(2)} s, 20 at once ${(l20 / 1000).toFixed(2)} s, ratio ${(l20 / l1).toFixed(2)}×`);
  console.log(`  the 19 extra hosts cost mwb ${((m20 - m1) / 1000).toFixed(2)} s, of which their handshakes ${((l20 - l1) / 1000).toFixed(2)} s (${((100 * (l20 - l1)) / Math.max(1, m20 - m1)).toFixed(0)} %); 19 extra OpenSSH logins (a process each) ${((r20 - r1) / 1000).toFixed(2)} s`);
  // The floor: the 19 extra logins' sshd CPU spread over this machine's cores, on top of the one host's time.
  const login = median(sshdPerLogin);
  const floor = m1 + (19 * login) / cores;
  const c1 = median(cliCpu[1]!);
  const c20 = median(cliCpu[20]!);
  const perHost = (c20 - c1) / 19;
  const s1 = median(sshdPerHost[1]!);
  const s20 = median(sshdPerHost[20]!);
  const cpuFloor = m1 + (19 * (s20 + perHost)) / cores;
  console.log(`  sshd CPU per OpenSSH login (listener's /proc/${peer.pid}/stat utime+stime+cutime+cstime, 20 at once): ${login.toFixed(0)} ms`);
  console.log(`  sshd CPU per host discovered by mwb (login + the SFTP requests served): 1 host ${s1.toFixed(0)} ms, 20 hosts ${s20.toFixed(0)} ms each`);
  console.log(`  mwb CPU (the CLI process, user+sys): 1 host ${(c1 / 1000).toFixed(2)} s, 20 hosts ${(c20 / 1000).toFixed(2)} s (${perHost.toFixed(0)} ms per extra host)`);
  console.log(`  floor of this machine: 1 host + 19 × sshd CPU per login ÷ ${cores} cores = ${(floor / 1000).toFixed(2)} s, ratio ${(floor / m1).toFixed(2)}× (measured ${(m20 / m1).toFixed(2)}×)`);
  console.log(`  CPU floor of today's discovery: 1 host + 19 × (sshd CPU per discovered host + mwb CPU per extra host) ÷ ${cores} cores = ${(cpuFloor / 1000).toFixed(2)} s, ratio ${(cpuFloor / m1).toFixed(2)}× (measured ${(m20 / 1000).toFixed(2)} s)`);
  console.log(`  SFTP requests for one host's facts: ${req1[0]} alone; ${Math.min(...req20)}–${Math.max(...req20)} each when 20 are read at once (each also looks into the others' sshd processes)`);
  console.log(`  one login shell start (OpenSSH \`ssh … true\`, this user's .bashrc): ${(shell1 / 1000).toFixed(2)} s, which SFTP discovery does not pay`);
} finally {
  await peer.stop();
}
