import { promises as fs, constants } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { processAlive } from './process-alive';

async function fsyncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable; some filesystems refuse it, which is harmless.
  try {
    const handle = await fs.open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* not supported here */
  }
}

async function writeSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes temp files that a killed save (of this target) left behind; never those of a live writer. */
async function removeStaleTemps(dir: string, base: string): Promise<void> {
  const prefix = `.${base}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !/\.tmp(\.bak)?$/.test(name)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) await fs.rm(path.join(dir, name), { force: true });
  }
}

/**
 * Replaces `target` so that at every instant it holds either the old or the new content:
 * new content goes to a temp file (fsync), the old file is copied to `target.bak` (fsync, rename),
 * then the temp file is renamed over the target and the folder is synced.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, opts: { keepBackup?: boolean } = {}): Promise<void> {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const tmp = path.join(dir, `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeSynced(tmp, data);
    if (opts.keepBackup !== false) {
      const exists = await fs
        .stat(target)
        .then((s) => s.isFile())
        .catch(() => false);
      if (exists) {
        const bakTmp = `${tmp}.bak`;
        await fs.copyFile(target, bakTmp);
        const h = await fs.open(bakTmp, 'r+');
        try {
          await h.sync();
        } finally {
          await h.close();
        }
        await fs.rename(bakTmp, `${target}.bak`);
      }
    }
    await fs.rename(tmp, target);
    await fsyncDir(dir);
    await removeStaleTemps(dir, base);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    await fs.rm(`${tmp}.bak`, { force: true }).catch(() => undefined);
    throw err;
  }
}
