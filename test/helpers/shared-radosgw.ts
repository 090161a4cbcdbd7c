import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import { startPeer } from './peers';
import { peerPort } from './ports';

const START_MS = 600_000;
const POLL_MS = 250;

/**
 * The endpoint of the vitest run's one Ceph radosgw (../shared/peers/start-radosgw.sh, on ephemeral ports and in the
 * run's folder from helpers/vitest-global-setup.ts, which stops it after the last file). The first file that asks
 * starts it (about 5 CPU-seconds and 12 to 25 s); the others wait for its endpoint. Each file keeps to a bucket of
 * its own, so files stay independent. A failed start fails every file that asks, with the script's reason.
 */
export async function sharedRadosgw(): Promise<string> {
  const dir = inject('sharedPeersDir');
  if (!dir) throw new Error('sharedRadosgw() needs the globalSetup of vitest.config.ts (helpers/vitest-global-setup.ts)');
  const endpointFile = path.join(dir, 'radosgw.endpoint');
  const failedFile = path.join(dir, 'radosgw.failed');
  let first = true;
  try {
    await mkdir(path.join(dir, 'radosgw.lock'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    first = false;
  }
  if (first) {
    const env = { RGW_PORT: String(await peerPort()), RGW_MON_PORT: String(await peerPort()), RGW_DIR: path.join(dir, 'rgw'), RGW_PIDFILE: path.join(dir, 'rgw.pid'), RGW_MEM_GIB: '4' };
    // Written first, so that the teardown stops whatever a start that failed half-way left running.
    await writeFile(path.join(dir, 'radosgw.env.json'), JSON.stringify(env));
    try {
      const endpoint = await startPeer('start-radosgw.sh', ['start'], env, START_MS);
      await writeFile(`${endpointFile}.tmp`, endpoint);
      await rename(`${endpointFile}.tmp`, endpointFile);
      return endpoint;
    } catch (err) {
      await writeFile(failedFile, String((err as Error).message).slice(0, 500));
      throw err;
    }
  }
  // Bounded: the starting file gives up after START_MS.
  for (const until = Date.now() + START_MS + 30_000; Date.now() < until; ) {
    const endpoint = await readFile(endpointFile, 'utf8').catch(() => null);
    if (endpoint) return endpoint;
    const failed = await readFile(failedFile, 'utf8').catch(() => null);
    if (failed !== null) throw new Error(`the shared radosgw did not start: ${failed}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`the shared radosgw did not answer within ${START_MS / 1000} s`);
}
