import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface FakeEbsProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM, then the process's exit. */
  close(): Promise<void>;
}

/**
 * Starts ebs-direct.fake-process.ts (through tsx) and resolves with its URL once it listens. `env` adds to this
 * process's environment (the replicate benchmark sets glibc's allocator there).
 */
export async function startFakeEbsProcess(opts: { preallocateBlocks?: number; putDelayMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<FakeEbsProcess> {
  const args = ['--import', 'tsx', path.join(ROOT, 'test/fakes/ebs-direct.fake-process.ts'), String(opts.preallocateBlocks ?? 0), String(opts.putDelayMs ?? 0)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...opts.env } });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
    });
    child.once('exit', (code) => reject(new Error(`the fake EBS endpoint exited (${code}) before it listened`)));
    setTimeout(() => reject(new Error('the fake EBS endpoint did not listen within 60 s')), 60_000).unref();
  });
  return {
    url,
    child,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
