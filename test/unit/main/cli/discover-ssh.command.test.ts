// `mwb discover ssh` is reachable from the command table with complete help; bad options are usage errors.
import { describe, expect, it } from 'vitest';
import { runMwb } from '../../../helpers/cli';

describe('mwb discover ssh (command table)', () => {
  it('is listed under `mwb discover`, and its help names every option', async () => {
    const top = await runMwb(['--help']);
    expect(top.stdout).toMatch(/^ {2}discover\b/m);
    const help = await runMwb(['discover', 'ssh', '--help']);
    expect(help.code).toBe(0);
    for (const o of ['--host', '--port', '--user', '--key', '--password-stdin', '--agent', '--known-hosts', '--accept-new', '--parallel', '--sample', '--timeout', '--project', '--json']) expect(help.stdout).toContain(o);
  });

  it('a bad --parallel or --port is a usage error (exit 2) before anything runs', async () => {
    const r = await runMwb(['discover', 'ssh', '--host', 'a', '--user', 'u', '--key', 'k', '--project', 'p', '--parallel', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--parallel must be a whole number above 0/);
    const p = await runMwb(['discover', 'ssh', '--host', 'a', '--user', 'u', '--key', 'k', '--project', 'p', '--port', '70000']);
    expect(p.code).toBe(2);
  });
});
