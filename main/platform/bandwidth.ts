/**
 * A bandwidth cap shared by every replication worker thread: a token bucket kept in a SharedArrayBuffer (GCRA,
 * "virtual scheduling"), so one cap holds across all the jobs that run at once. Slot 0 is the cap in bytes per
 * second (0 = no cap), slot 1 the theoretical arrival time in microseconds of `performance.timeOrigin + now()`.
 * Lock-free: a sender reserves its bytes with one compare-and-exchange, then sleeps until its slot.
 */

/** How much may be sent at once after an idle spell (one second of the cap, at least one 512 KiB block). */
const BURST_SECONDS = 1;

export function createBandwidthCap(bytesPerSecond = 0): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(16);
  setBandwidthCap(sab, bytesPerSecond);
  return sab;
}

export function setBandwidthCap(sab: SharedArrayBuffer, bytesPerSecond: number): void {
  const v = new BigInt64Array(sab);
  Atomics.store(v, 0, BigInt(Math.max(0, Math.floor(bytesPerSecond))));
}

export function bandwidthCapOf(sab: SharedArrayBuffer): number {
  return Number(Atomics.load(new BigInt64Array(sab), 0));
}

const nowMicros = () => BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000));

/**
 * Waits until `bytes` may be sent under the cap (at once when there is none). Concurrent callers, in any thread,
 * are served in the order they reserved.
 */
export async function acquireBandwidth(sab: SharedArrayBuffer | undefined, bytes: number, signal?: AbortSignal): Promise<void> {
  if (!sab || bytes <= 0) return;
  const v = new BigInt64Array(sab);
  const rate = Atomics.load(v, 0);
  if (rate <= 0n) return;
  const cost = (BigInt(bytes) * 1_000_000n) / rate;
  const burst = BigInt(BURST_SECONDS * 1_000_000) > cost ? BigInt(BURST_SECONDS * 1_000_000) : cost;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const now = nowMicros();
    const tat = Atomics.load(v, 1);
    const start = tat > now ? tat : now;
    const next = start + cost;
    if (Atomics.compareExchange(v, 1, tat, next) !== tat) continue;
    const waitMicros = next - burst - now;
    if (waitMicros > 0n) await sleep(Number(waitMicros / 1000n), signal);
    return;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
