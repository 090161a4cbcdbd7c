import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from '../common/model/errors';
import { processAlive } from './process-alive';

/**
 * An exclusive lock file for work that two processes must not do at once on the same folder: a server's replication
 * (the app and `mwb replicate`, or two CLI runs, share the data folder and so the job's journal). `acquire` creates
 * `<dir>/<name>` exclusively (O_EXCL) holding the process id and when it was taken; `release` removes it. A lock whose
 * process no longer runs (killed, crashed: nothing removed it) is taken over. A lock held by a running process, this
 * one included, is a `busy` WorkbenchError naming that process. Process ids are checked on this machine only (the data
 * folder is the user's own), and a reused id of an unrelated process would keep the lock until that process ends.
 */
export interface RunLock {
  release(): Promise<void>;
}

interface Holder {
  readonly pid: number;
  readonly at: string;
}

async function holderOf(file: string): Promise<Holder | undefined> {
  try {
    const h = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<Holder>;
    return Number.isSafeInteger(h.pid) && (h.pid as number) > 0 ? { pid: h.pid as number, at: typeof h.at === 'string' ? h.at.slice(0, 40) : '' } : undefined;
  } catch {
    // Gone meanwhile, or torn by a kill between create and write: no live holder to name.
    return undefined;
  }
}

/** Takes the lock, or throws `busy` (what `what` names, for the message) while a running process holds it. */
export async function acquireRunLock(dir: string, name: string, what: string): Promise<RunLock> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  const mine: Holder = { pid: process.pid, at: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fs.open(file, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify(mine));
      } finally {
        await fh.close();
      }
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          // Only our own lock: one taken over after this process was thought gone is not removed.
          const h = await holderOf(file);
          if (h?.pid === mine.pid && h.at === mine.at) await fs.rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const h = await holderOf(file);
    if (h && processAlive(h.pid)) {
      const who = h.pid === process.pid ? 'this process' : `process ${h.pid}`;
      throw new WorkbenchError('busy', `${what} is already running in ${who}${h.at ? ` (since ${h.at})` : ''}: wait for it to end, or stop it, then run again.`);
    }
    // Its process is gone (or the file is torn): take it over. Another process doing the same at this moment either
    // creates the file first (and this one sees it held) or finds it gone.
    await fs.rm(file, { force: true });
  }
  throw new WorkbenchError('busy', `${what}: the lock ${file} could not be taken.`);
}
