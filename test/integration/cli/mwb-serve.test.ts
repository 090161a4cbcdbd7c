import { describe, expect, it } from 'vitest';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tempDir } from '../../helpers/temp-dir';

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
