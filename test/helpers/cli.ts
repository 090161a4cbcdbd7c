import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { runCli } from '../../main/cli';

/**
 * Runs `mwb ARGS…` in-process (as the bin does) and returns its exit code and what it printed. Unless the test chose
 * a data folder (MWB_HOME), the command gets a temp folder of this process's own rather than ~/.config, which the
 * test files running at the same time (and the machine's user) would share.
 */
export async function runMwb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (process.env.MWB_HOME === undefined) {
    const home = mkdtempSync(path.join(os.tmpdir(), 'mwb-cli-home-'));
    process.env.MWB_HOME = home;
    process.once('exit', () => rmSync(home, { recursive: true, force: true }));
  }
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((stderr += String(c)), true));
  process.exitCode = undefined;
  try {
    return { code: await runCli(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}
