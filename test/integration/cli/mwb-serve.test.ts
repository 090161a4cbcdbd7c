import { describe, expect, it } from 'vitest';
import { spawn, execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../../helpers/temp-dir';
import { docWithServers } from '../../helpers/plan-fixtures';
import { startFakeEbs } from '../../fakes/ebs-direct.fake';

const run = promisify(execFile);

/** Starts a command, waits for the line that carries the URL, then stops it. */
function firstLines(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no URL within 30 s:\n${out}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Workbench: http/.test(out)) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(out);
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
  });
}

describe('mwb (built CLI)', () => {
  it('prints help and version', async () => {
    const help = await run(process.execPath, ['bin/mwb.mjs', '--help']);
    expect(help.stdout).toContain('serve');
    const version = await run(process.execPath, ['bin/mwb.mjs', '--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 on a usage error', async () => {
    const err = await run(process.execPath, ['bin/mwb.mjs', 'serve', '--port', 'abc']).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
  });

  it('serve prints a loopback URL with the token in the fragment', async () => {
    const home = await tempDir();
    const out = await firstLines(process.execPath, ['bin/mwb.mjs', 'serve'], { MWB_HOME: home });
    expect(out).toMatch(/^Workbench: http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32,}$/m);
  });

  it('npm start falls back to the browser shell with a one-line explanation when Electron is missing', async () => {
    const home = await tempDir();
    const out = await firstLines(process.execPath, ['scripts/start.mjs'], { MWB_HOME: home });
    expect(out).toMatch(/Electron is not installed on this machine .*browser shell/);
    expect(out).toMatch(/Workbench: http:\/\/127\.0\.0\.1:\d+\//);
  });
});

describe('the browser shell process', () => {
  it('started in a process of its own (as the e2e fixture does) prints no AWS SDK Node version notice while a replication job makes its AMI', async () => {
    const dir = await tempDir();
    const fake = await startFakeEbs();
    const image = path.join(dir, 'disk.raw');
    await fs.writeFile(image, Buffer.alloc(2 * 2 ** 20, 7));
    const project = path.join(dir, 'estate.mwb.json');
    await fs.writeFile(project, JSON.stringify(docWithServers(1)));
    // serve() imported and called, not through the CLI's process entry (which sets its own environment).
    const script = `import { serve } from './main/cli/serve.command.ts'; const s = await serve({ port: 0, dataDir: process.env.MWB_TEST_DATA, project: process.env.MWB_TEST_PROJECT }); process.stdout.write('Workbench: ' + s.url + '\\n');`;
    const env: NodeJS.ProcessEnv = { ...process.env, MWB_TEST_DATA: path.join(dir, 'data'), MWB_TEST_PROJECT: project, AWS_ACCESS_KEY_ID: 'TESTACCESSKEY', AWS_SECRET_ACCESS_KEY: 'TESTSECRETKEY', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: path.resolve(__dirname, '../../..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 110_000);
    try {
      for (let i = 0; i < 600 && !/Workbench: http/.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
      const url = new URL(/Workbench: (\S+)/.exec(stdout)?.[1] ?? 'http://x.invalid');
      expect(url.hostname, stderr).toBe('127.0.0.1');
      const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
      const invoke = (channel: string, args: unknown) =>
        new Promise<{ ok: boolean; value?: unknown; error?: unknown }>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port: Number(url.port), method: 'POST', path: `/api/invoke/${channel}`, agent: false, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(JSON.parse(text) as { ok: boolean; value?: unknown }));
          });
          req.on('error', reject);
          req.end(JSON.stringify(args));
        });
      // As on the Replication screen: the endpoint, RegisterImage after the run, the disk image, Start.
      expect(await invoke('replication.prefs.set', { endpointUrl: fake.url, region: 'us-east-1', ami: 'register' })).toMatchObject({ ok: true });
      expect(await invoke('replication.configure', { serverId: 's1', disks: [{ disk: 'Hard disk 1', image }] })).toMatchObject({ ok: true });
      expect(await invoke('replication.start', { kind: 'server', id: 's1' })).toMatchObject({ ok: true });
      let state = '';
      for (let i = 0; i < 600 && !['completed', 'failed', 'inconsistent'].includes(state); i++) {
        await new Promise((r) => setTimeout(r, 100));
        const jobs = (await invoke('replication.jobs', {})).value as Array<{ servers: Array<{ state: string }> }>;
        state = jobs[0]?.servers[0]?.state ?? '';
      }
      expect(state, stderr).toBe('completed');
      // The AMI was made by the shell's process (RegisterImage through its EC2 client).
      expect(fake.ec2Calls.some((c) => c.action === 'RegisterImage')).toBe(true);
      expect(fake.images.size).toBe(1);
      child.kill('SIGTERM');
      await exited;
      expect(stderr).not.toContain('NodeVersionSupportWarning');
      expect(stderr).not.toContain('will require node');
    } finally {
      clearTimeout(kill);
      child.kill('SIGKILL');
      await fake.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
