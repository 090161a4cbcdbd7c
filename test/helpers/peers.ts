import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sharedPath } from './shared';

const run = promisify(execFile);

/** Runs one of ../shared/peers' start scripts with env and returns the ENDPOINT= it prints. */
export async function startPeer(script: string, args: string[] = [], env: Record<string, string> = {}, timeoutMs = 240_000): Promise<string> {
  const { stdout } = await run('bash', [sharedPath('peers', script), ...args], { timeout: timeoutMs, env: { ...process.env, ...env } });
  const m = /^ENDPOINT=(.+)$/m.exec(stdout);
  if (!m) throw new Error(`${script} printed no ENDPOINT`);
  return m[1]!.trim();
}

/** Stops a peer started with startPeer (the script kills only the pid of its own pidfile). */
export async function stopPeer(script: string, env: Record<string, string> = {}): Promise<void> {
  await run('bash', [sharedPath('peers', script), 'stop'], { timeout: 30_000, env: { ...process.env, ...env } });
}
