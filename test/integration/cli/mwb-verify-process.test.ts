// `mwb verify` as a user runs it (a child process): which digests it computes, and Ctrl-C (a real SIGINT).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, readlink, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';
import { mwbCli } from '../../helpers/mwb-cli';

const ROOT = path.resolve(__dirname, '../../..');
// The built CLI when it is current, else the sources through tsx (helpers/mwb-cli.ts).
const CLI = mwbCli();

function mwb(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  dir = await tempDir('mwb-verify-proc-');
  env = { MWB_HOME: path.join(dir, 'home') };
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const digest = (a: string, s: string) => createHash(a).update(s).digest('hex');

describe('mwb verify (child process)', () => {
  it('computes MD5 and SHA-256 by default, adds what a checksum file names, and --hash chooses', async () => {
    const body = 'setup script body\n';
    const file = path.join(dir, 'setup.bin');
    await writeFile(file, body);
    const plain = await mwb(['verify', '--json', file], env);
    expect(JSON.parse(plain.stdout).hashes).toEqual({ md5: digest('md5', body), sha256: digest('sha256', body) });

    await writeFile(`${file}.sha512`, `${digest('sha512', body)}  setup.bin\n`);
    const named = await mwb(['verify', '--json', file], env);
    expect(named.code).toBe(0);
    const o = JSON.parse(named.stdout) as { hashes: Record<string, string>; sidecars: Array<{ verdict: string; algorithm: string }> };
    expect(Object.keys(o.hashes)).toEqual(['md5', 'sha256', 'sha512']);
    expect(o.sidecars).toEqual([expect.objectContaining({ verdict: 'match', algorithm: 'sha512' })]);

    const chosen = await mwb(['verify', '--json', '--hash', 'SHA1,md5', path.join(dir, 'setup.bin'), '--sidecar', `${file}.sha512`], env);
    expect(Object.keys(JSON.parse(chosen.stdout).hashes)).toEqual(['md5', 'sha1', 'sha512']);
    const human = await mwb(['verify', '--hash', 'md5,sha1,sha256,sha512', file], env);
    expect(human.stdout).toMatch(/MD5 .*\n.*SHA-1 .*\n.*SHA-256 .*\n.*SHA-512 /);

    const bad = await mwb(['verify', '--hash', 'md5,crc32', file], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not crc32');
  }, 120_000);

  it('Ctrl-C while hashing stops the run, says so and exits 130', async () => {
    // 8 GiB sparse: reads fast without using disk, and still takes seconds to hash.
    const big = path.join(dir, 'appliance.img');
    const fh = await open(big, 'w');
    await fh.truncate(8 * 1024 ** 3);
    await fh.close();
    const child = spawn(process.execPath, [...CLI, 'verify', big], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // Wait (bounded) until the CLI has the file open: it is hashing now.
    const opened = async () => {
      const fds = await readdir(`/proc/${child.pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) if ((await readlink(`/proc/${child.pid}/fd/${fd}`).catch(() => '')) === big) return true;
      return false;
    };
    const deadline = Date.now() + 60_000;
    while (!(await opened()) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    expect(child.exitCode).toBeNull();
    const t0 = Date.now();
    child.kill('SIGINT');
    const { code } = await exited;
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(stderr).toContain('interrupted (Ctrl-C)');
    expect(stdout).not.toContain('OK');
  }, 120_000);
});
