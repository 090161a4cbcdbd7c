import { randomInt } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from '../../main/platform/process-alive';

/**
 * Ports for peers that must be told their port before they start (sshd, vcsim, moto, radosgw: their start scripts
 * take a port; none can listen on port 0 and report it).
 *
 * A port found free by listening on port 0 and closing it (the old `freePort()`) can be handed by the kernel to any
 * other `listen(0)` of the suite (three test files at a time, each starting fakes and proxies) before the peer binds
 * it, seconds later for radosgw; the peer then fails to start or, worse, its start script's readiness check talks to
 * the other server. `peerPort()` instead picks a port outside the kernel's ephemeral range (which `listen(0)` and
 * outgoing connections draw from), so no other process is given it meanwhile, and takes a lock file naming this
 * process (in $TMPDIR/mwb-test-ports) so that two test files never pick the same one. A process's locks are removed
 * when it exits; those of processes that are gone (a worker stopped first) are swept by the next process's first call.
 */

const LOCKS = path.join(os.tmpdir(), 'mwb-test-ports');
const mine = new Set<string>();
let cleanup = false;

/** The kernel's ephemeral port range (Debian: 32768-60999). */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi && lo <= hi) return [lo, hi];
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return [49152, 65535];
}

/** The ranges outside the ephemeral range that are tried (Debian: 61000-65535 and 20768-32767). */
function candidateRanges(): Array<[number, number]> {
  const [lo, hi] = ephemeralRange();
  // Above the range, and the 12,000 ports below it (clear of the well-known services' low ports).
  const ranges: Array<[number, number]> = [
    [hi + 1, 65535],
    [Math.max(1024, lo - 12_000), lo - 1],
  ];
  const outside = ranges.filter(([a, b]) => b - a >= 500);
  // A machine whose ephemeral range covers nearly every port: the locks still keep the test files apart.
  return outside.length ? outside : [[1024, 65535]];
}

/** Takes the port's lock for this process (false: another live process holds it). */
function lock(port: number): boolean {
  const file = path.join(LOCKS, `${port}.lock`);
  const take = () => {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  };
  if (!take()) {
    // Held by a process that is gone (killed before its exit handler ran): taken over.
    const owner = Number(readFileSync(file, 'utf8').trim());
    if (owner && processAlive(owner)) return false;
    rmSync(file, { force: true });
    if (!take()) return false;
  }
  mine.add(file);
  if (!cleanup) {
    cleanup = true;
    process.once('exit', () => {
      for (const f of mine) rmSync(f, { force: true });
    });
  }
  return true;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Removes the locks of processes that are gone (a test worker may be stopped before its exit handler runs). */
function sweep(): void {
  for (const name of readdirSync(LOCKS)) {
    if (!name.endsWith('.lock')) continue;
    try {
      const owner = Number(readFileSync(path.join(LOCKS, name), 'utf8').trim());
      if (owner && !processAlive(owner)) rmSync(path.join(LOCKS, name), { force: true });
    } catch {
      // Removed meanwhile by another process's sweep.
    }
  }
}

/** A loopback port outside the ephemeral range, free now, locked for this process (see above). */
export async function peerPort(): Promise<number> {
  mkdirSync(LOCKS, { recursive: true });
  if (!cleanup) sweep();
  const ranges = candidateRanges();
  for (let i = 0; i < 200; i++) {
    const [a, b] = ranges[i % ranges.length]!;
    const port = randomInt(a, b + 1);
    if (!lock(port)) continue;
    if (await canListen(port)) return port;
  }
  throw new Error('no free loopback port outside the ephemeral range after 200 tries');
}
