// `mwb --help | head`: a reader that closes the pipe early ends mwb quietly, as Unix tools do.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

describe('mwb writing to a closed pipe', () => {
  // From the sources, and as `mwb` runs (bin/mwb.mjs over the bundle, which `npm test` builds before vitest).
  it.each([
    ['main/cli.ts through tsx', ['--import', 'tsx', path.join(ROOT, 'main/cli.ts')]],
    ['bin/mwb.mjs', [path.join(ROOT, 'bin/mwb.mjs')]],
  ])('exits 0 without an unhandled EPIPE when the reader has gone (%s)', async (_name, entry) => {
    const child = spawn(process.execPath, [...entry, '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before mwb writes a byte
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(code).toBe(0);
  }, 60_000);
});
