import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import type { FakeEbs } from '../fakes/ebs-direct.fake';
import { mwbCli } from './mwb-cli';

const ROOT = path.resolve(__dirname, '../..');
const CLI = mwbCli();

/** Runs `mwb ARGS…` as a child process (the built CLI when it is up to date, else the sources through tsx: mwbCli), with `env` over this process's; bounded by a timeout. */
export function mwbProcess(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs `mwb ARGS…` and SIGKILLs it when the fake EBS/EC2 endpoint receives the EC2 `action` (the fake answers the
 * action only after the process is gone, to a closed socket, and so does what AWS would have done; this resolves once
 * it has). `hit` says whether the action came before the process ended by itself; the child is killed after `timeoutMs` in any case.
 */
export async function mwbKilledAtEc2(fake: FakeEbs, args: string[], env: NodeJS.ProcessEnv, action: string, timeoutMs = 100_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; hit: boolean }> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let hit = false;
  fake.options.beforeEc2 = async (a) => {
    if (a !== action || hit) return;
    hit = true;
    child.kill('SIGKILL');
    await exited;
  };
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const out = await exited;
    // The fake answers the action after the hook returned (to a closed socket): wait until it has done what it does.
    await fake.idle();
    return { ...out, hit };
  } finally {
    clearTimeout(timer);
    fake.options.beforeEc2 = undefined;
  }
}

/**
 * Runs `mwb ARGS…` and hands `arm` a function that SIGKILLs it and resolves once it is gone (a test's fake or proxy
 * calls it when the request to kill at arrives, before answering it). `hit` says whether the kill came before the
 * process ended by itself; the child is killed after `timeoutMs` in any case.
 */
export async function mwbKilledWhen(args: string[], env: NodeJS.ProcessEnv, arm: (kill: () => Promise<void>) => void, timeoutMs = 100_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; hit: boolean }> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let hit = false;
  arm(async () => {
    if (hit) return;
    hit = true;
    child.kill('SIGKILL');
    await exited;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return { ...(await exited), hit };
  } finally {
    clearTimeout(timer);
  }
}
