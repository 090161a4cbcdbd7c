import { parentPort } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { createXXHash128 } from 'hash-wasm';
import { acquireBandwidth } from '../../platform/bandwidth';
import { TransportError, type AwsIdentity, type SnapshotTransport, type TransportOptions } from '../transport/types';

/**
 * One block lane (a thread of the job's worker; block-pipeline.ts starts them and hands out the chunks): checks each
 * block of a chunk for zeros and hashes the others in place in the shared chunk buffer: XXH3-128 first, and SHA-256
 * unless the XXH3-128 equals the parent run's for the block (then the block is unchanged and its SHA-256 is the
 * parent's; see manifest.ts). It decides which blocks changed against the parent run's digests (shared, read-only),
 * and uploads those the run has not sent yet with
 * PutSnapshotBlock through its own EBS client: same endpoint, Region and retry strategy as the worker's, with the
 * credentials the worker resolved once through the default chain (and forwards again when they are refreshed).
 * The worker stays the only journal writer: a lane reports each block sent.
 */
/** A lane thread's workerData: only its role; each disk's run hands it a `setup`. */
export interface LaneWorkerData {
  readonly role: 'lane';
}

/** One disk's run, as a lane sees it (sent when the run starts; a lane serves the job's disks one after another). */
export interface LaneSetup {
  readonly blockSize: number;
  /** blocksTotal × 32 bytes: the parent run's digest per block (the zero block's digest where it had none). */
  readonly parent: SharedArrayBuffer;
  /** blocksTotal × 16 bytes: the parent run's XXH3-128 per data block; absent when its manifest has none. */
  readonly parentFast?: SharedArrayBuffer;
  /** blocksTotal bytes: 1 where this run already sent the block (journaled before a kill or a pause). */
  readonly done: SharedArrayBuffer;
  /** Where changed blocks go; absent: the lane only hashes and compares (nothing is sent). */
  readonly transport?: TransportOptions;
  readonly bandwidth?: SharedArrayBuffer;
  /** PutSnapshotBlock calls in flight from this lane. */
  readonly inFlight: number;
}

export type LaneRequest =
  | { t: 'setup'; setup: LaneSetup }
  | { t: 'buffer'; id: number; sab: SharedArrayBuffer }
  /** Blocks of one chunk: [position in the chunk, allocated 0/1]; block index = first + position. */
  | { t: 'chunk'; id: number; buffer: number; first: number; blocks: Array<[number, number]> }
  | { t: 'target'; snapshotId: string; identity: AwsIdentity }
  | { t: 'credentials'; identity: AwsIdentity }
  /** Drop the sends not started (the run failed): they are reported `dropped`. */
  | { t: 'stop' };

export type LaneReply =
  /**
   * Per block of the chunk: zero (1), its digest, its XXH3-128 (16 zero bytes for a zero block), and flags (bit 0
   * changed from the parent, bit 1 being sent).
   */
  | { t: 'hashed'; id: number; zero: Uint8Array; digests: Uint8Array; fast: Uint8Array; flags: Uint8Array }
  /**
   * Blocks sent since the lane's last report, as [chunk id, block index, bytes] (gathered for at most REPORT_MS rather
   * than one message per block: each message costs both threads a wake-up).
   */
  | { t: 'sent'; sent: Array<[number, number, number]> }
  | { t: 'failed'; id: number; index: number; code: TransportError['code']; message: string }
  | { t: 'dropped'; id: number; count: number };

/** How long a lane gathers the blocks it sent before it reports them (ms). */
const REPORT_MS = 10;

export const LANE_CHANGED = 1;
export const LANE_SENDING = 2;

interface PendingSend {
  readonly id: number;
  readonly index: number;
  readonly data: Buffer;
  readonly checksum: string;
}

/** Starts answering the pipeline once the XXH3 engine (WebAssembly) is ready; messages wait in the port until then. */
export async function runLane(): Promise<void> {
  const port = parentPort!;
  const xxh = await createXXHash128();
  let data: LaneSetup | undefined;
  let bs = 0;
  let parent: Buffer = Buffer.alloc(0);
  let parentFast: Buffer | undefined;
  let done: Uint8Array = new Uint8Array(0);
  let zeros = Buffer.alloc(0);
  let zeroDigest = Buffer.alloc(0);
  const buffers = new Map<number, Buffer>();
  const queue: PendingSend[] = [];
  let active = 0;
  let pumping = false;
  let stopped = true;
  let snapshotId: string | undefined;
  let identity: AwsIdentity | undefined;
  let transport: Promise<SnapshotTransport> | undefined;
  let wake: (() => void) | undefined;
  // Blocks sent and not yet reported: reported together, at most REPORT_MS after the first of them (a seed answers
  // a lane's uploads one at a time; one message per block cost a lane ~1.3 s of an 8 GiB seed, on this kind of VM
  // where each message wakes the worker's thread). A pause, a stop or a failure reports at once.
  let sent: Array<[number, number, number]> = [];
  let reportScheduled = false;
  const report = (): void => {
    reportScheduled = false;
    if (sent.length === 0) return;
    const items = sent;
    sent = [];
    port.postMessage({ t: 'sent', sent: items } satisfies LaneReply);
  };

  const client = (): Promise<SnapshotTransport> =>
    (transport ??= import('../transport/ebs-direct.transport').then(
      ({ EbsDirectTransport }) =>
        new EbsDirectTransport(data!.transport!, {
          region: identity!.region,
          // The latest credentials the worker forwarded (the SDK asks again when they near their expiry).
          credentials: async () => identity!.credentials,
          // The shared bandwidth cap is taken as each attempt goes on the wire (not while the client warms up).
          beforeSend: (bytes) => acquireBandwidth(data!.bandwidth, bytes),
        }),
    ));

  const put = async (s: PendingSend): Promise<void> => {
    try {
      const t = await client();
      await t.putBlock(snapshotId!, s.index, s.data, s.checksum);
      sent.push([s.id, s.index, s.data.length]);
      if (!reportScheduled) {
        reportScheduled = true;
        setTimeout(report, REPORT_MS);
      }
    } catch (err) {
      const e = err instanceof TransportError ? err : new TransportError('unknown', err instanceof Error ? err.message.slice(0, 300) : 'the upload failed');
      report();
      port.postMessage({ t: 'failed', id: s.id, index: s.index, code: e.code, message: e.message.slice(0, 300) } satisfies LaneReply);
    } finally {
      active--;
      wake?.();
    }
  };

  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0 && snapshotId) {
        if (active >= data!.inFlight) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        const s = queue.shift()!;
        active++;
        void put(s);
      }
    } finally {
      pumping = false;
    }
  };

  port.on('message', (m: LaneRequest) => {
    if (m.t === 'setup') {
      // A new disk (the previous run of this lane ended with nothing in flight: the pool makes sure of it).
      data = m.setup;
      if (bs !== data.blockSize) {
        bs = data.blockSize;
        zeros = Buffer.alloc(bs);
        zeroDigest = createHash('sha256').update(zeros).digest();
      }
      parent = Buffer.from(data.parent);
      parentFast = data.parentFast ? Buffer.from(data.parentFast) : undefined;
      done = new Uint8Array(data.done);
      buffers.clear();
      queue.length = 0;
      snapshotId = undefined;
      // Without a transport nothing is ever sent: blocks are only flagged changed.
      stopped = !data.transport;
      void transport?.then((t) => t.destroy()).catch(() => undefined);
      transport = undefined;
      return;
    }
    if (m.t === 'buffer') {
      buffers.set(m.id, Buffer.from(m.sab));
      return;
    }
    if (m.t === 'target') {
      snapshotId = m.snapshotId;
      identity = m.identity;
      void pump();
      return;
    }
    if (m.t === 'credentials') {
      identity = m.identity;
      return;
    }
    if (m.t === 'stop') {
      stopped = true;
      report();
      const dropped = queue.splice(0);
      const byChunk = new Map<number, number>();
      for (const s of dropped) byChunk.set(s.id, (byChunk.get(s.id) ?? 0) + 1);
      for (const [id, count] of byChunk) port.postMessage({ t: 'dropped', id, count } satisfies LaneReply);
      return;
    }
    const buf = m.buffer >= 0 ? buffers.get(m.buffer) : undefined;
    const n = m.blocks.length;
    const zero = new Uint8Array(n);
    const digests = new Uint8Array(n * 32);
    const fast = new Uint8Array(n * 16);
    const flags = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const [pos, allocated] = m.blocks[k]!;
      const index = m.first + pos;
      const block = allocated && buf ? buf.subarray(pos * bs, (pos + 1) * bs) : undefined;
      const parentDigest = parent.subarray(index * 32, index * 32 + 32);
      let digest = zeroDigest;
      if (!block || block.equals(zeros)) zero[k] = 1;
      else {
        xxh.init();
        xxh.update(block);
        const f = xxh.digest('binary');
        fast.set(f, k * 16);
        // Unchanged when the parent held data with the same XXH3-128: its SHA-256 is the parent's, not computed.
        if (parentFast && !parentDigest.equals(zeroDigest) && Buffer.compare(f, parentFast.subarray(index * 16, index * 16 + 16)) === 0) {
          parentDigest.copy(digests, k * 32);
          continue;
        }
        digest = createHash('sha256').update(block).digest();
      }
      digest.copy(digests, k * 32);
      if (digest.equals(parentDigest)) continue;
      if (done[index] || stopped) {
        flags[k] = LANE_CHANGED;
        continue;
      }
      flags[k] = LANE_CHANGED | LANE_SENDING;
      // A block that became zero is sent as zeros (the parent's block must not show through).
      queue.push({ id: m.id, index, data: zero[k] ? zeros : block!, checksum: digest.toString('base64') });
    }
    port.postMessage({ t: 'hashed', id: m.id, zero, digests, fast, flags } satisfies LaneReply, [zero.buffer, digests.buffer, fast.buffer, flags.buffer]);
    void pump();
  });
}
