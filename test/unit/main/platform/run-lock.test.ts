import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { acquireRunLock } from '../../../../main/platform/run-lock';
import { isWorkbenchError } from '../../../../main/common/model/errors';
import { tempDir } from '../../../helpers/temp-dir';

/** A process that runs until killed, and one that has ended (its pid is free). */
async function processes() {
  const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const ended = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => ended.once('exit', r));
  return { running, ended };
}

describe('acquireRunLock', () => {
  it('refuses a second holder while the first runs, naming it; takes the lock again once released', async () => {
    const dir = await tempDir('mwb-lock-');
    const first = await acquireRunLock(dir, 'run.lock', 'Replication of WEB01');
    const again = await acquireRunLock(dir, 'run.lock', 'Replication of WEB01').catch((e: unknown) => e);
    expect(isWorkbenchError(again, 'busy')).toBe(true);
    expect((again as Error).message).toMatch(/^Replication of WEB01 is already running in this process \(since \d{4}-\d\d-\d\dT.*\): wait for it to end, or stop it, then run again\.$/);
    await first.release();
    await expect(fs.stat(path.join(dir, 'run.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    const second = await acquireRunLock(dir, 'run.lock', 'Replication of WEB01');
    await second.release();
    await second.release(); // twice is harmless
  });

  it("another running process's lock is busy; a lock whose process ended, or a torn one, is taken over", async () => {
    const dir = await tempDir('mwb-lock-');
    const file = path.join(dir, 'run.lock');
    const { running, ended } = await processes();
    try {
      await fs.writeFile(file, JSON.stringify({ pid: running.pid, at: '2026-11-30T05:00:00.000Z' }));
      await expect(acquireRunLock(dir, 'run.lock', 'Replication of WEB01')).rejects.toThrow(`Replication of WEB01 is already running in process ${running.pid} (since 2026-11-30T05:00:00.000Z)`);
      expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ pid: running.pid }); // left as it was

      await fs.writeFile(file, JSON.stringify({ pid: ended.pid, at: '2026-11-30T05:00:00.000Z' }));
      const taken = await acquireRunLock(dir, 'run.lock', 'Replication of WEB01');
      expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
      await taken.release();

      await fs.writeFile(file, '{"pid": 12'); // cut off by a kill mid-write
      const afterTorn = await acquireRunLock(dir, 'run.lock', 'Replication of WEB01');
      await afterTorn.release();
    } finally {
      running.kill();
    }
  });

  it('release leaves alone a lock that is no longer its own', async () => {
    const dir = await tempDir('mwb-lock-');
    const file = path.join(dir, 'run.lock');
    const lock = await acquireRunLock(dir, 'run.lock', 'Replication of WEB01');
    // Taken over meanwhile (this process was thought gone): that holder's lock stays.
    await fs.writeFile(file, JSON.stringify({ pid: process.pid, at: '2026-11-30T06:00:00.000Z' }));
    await lock.release();
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ at: '2026-11-30T06:00:00.000Z' });
  });
});
