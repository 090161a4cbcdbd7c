import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importCommand } from '../../../../main/cli/import.command';
import { tempDir } from '../../../helpers/inventory-fixtures';

async function run(files: string[], project: string, dataDir: string, json = false) {
  let stdout = '';
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await importCommand(files, { project, dataDir, json }, { stdout: (s) => (stdout += s), stderr });
  return { code, stdout, stderr: err };
}

/** The first run of `n` characters of `content` that `text` repeats, or null. */
function quoted(text: string, content: string, n = 12): string | null {
  for (let i = 0; i + n <= Math.min(content.length, 8192); i++) {
    const run = content.slice(i, i + n);
    if (!/\p{Cc}/u.test(run) && text.includes(run)) return run;
  }
  return null;
}

describe('mwb import: error text quotes no file contents', () => {
  it('an environment block, /proc/self/environ and /etc/passwd: exit 1, a short typed message, no line of the file', async () => {
    const dir = await tempDir();
    const environ = path.join(dir, 'environ');
    await writeFile(environ, 'API_TOKEN=tok-5b1e0c7d9a2f4e6b8c3d\0HOME=/home/x,y\0PATH=/usr/bin:/bin\0');
    for (const file of [environ, '/proc/self/environ', '/etc/passwd']) {
      const content = await readFile(file, 'latin1');
      for (const json of [false, true]) {
        const r = await run([file], path.join(dir, 'p'), dir, json);
        expect(r.code, file).toBe(1);
        expect(r.stderr).toMatch(/^mwb import: /);
        expect(r.stderr.length).toBeLessThan(420);
        expect(quoted(r.stderr + r.stdout, content), file).toBeNull();
        if (json) expect(JSON.parse(r.stdout).error.code).toBe('import-unrecognized');
      }
    }
  });

  it('the zero device says it is a device, not a folder', async () => {
    const dir = await tempDir();
    const r = await run(['/dev/zero'], path.join(dir, 'p'), dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/dev/zero is a character device');
    expect(r.stderr).not.toContain('folder');
  });
});
