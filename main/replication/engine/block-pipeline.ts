import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { allocatedBlocks, type DiskImage } from '../disk-image';
import { TransportError, type AwsIdentity, type TransportOptions } from '../transport/types';
import { LANE_CHANGED, LANE_SENDING, type LaneReply, type LaneRequest, type LaneSetup, type LaneWorkerData } from './block-lane';
import { startReplicationThread } from './worker-source';
import { BlockLaneError } from './lane-error';

/**
 * The read → zero check → hash → compare → send stage of a run, built for throughput. The image is read in order in
 * large chunks (several blocks per read; unallocated blocks are never read) into a small pool of SharedArrayBuffers,
 * and **block lanes** (threads, block-lane.ts) take the chunks in turn: each checks the blocks for zeros, SHA-256s
 * the others in place (no copy, no allocation per block), compares them with the parent run's digests and uploads the
 * changed blocks not yet sent with its own EBS client, from the shared buffer. The caller (run-disk.ts, the job's
 * worker thread) gets the chunks in order with their digests and flags, and hears of each block sent (`onSent`): it
 * stays the only journal writer and the progress source. A chunk's buffer is reused once it is hashed and its sends
 * settled.
 */

/** One block of a chunk, as the caller sees it. */
export interface PipelineBlock {
  readonly index: number;
  readonly offset: number;
  /** Logical bytes (less than the block size only for the last block). */
  readonly length: number;
  /** Unallocated, or read and all zeros. */
  readonly zero: boolean;
  /** SHA-256 of the block zero-padded to the block size (the zero block's digest when `zero`). */
  readonly digest: Buffer;
  /** XXH3-128 of the block (16 zero bytes when `zero`): the next run's quick check (manifest.ts). */
  readonly fast: Buffer;
  /** Differs from the parent run's digest (so it belongs to this run's snapshot). */
  readonly changed: boolean;
  /** Changed and not sent before (a resumed run): a lane is sending it. */
  readonly sending: boolean;
}

export interface PipelineChunk {
  readonly blocks: readonly PipelineBlock[];
  /** Logical bytes covered by the chunk. */
  readonly bytes: number;
}

export interface PipelineOptions {
  readonly blockSize: number;
  /** Blocks per read (default 8: 4 MiB reads for EBS blocks). */
  readonly chunkBlocks?: number;
  /**
   * Chunks read or being hashed ahead of the caller (default: 2 per lane + 4, 8 with 2 lanes). With 3, a lane often
   * finished its chunk with none queued (the next could not be read until the oldest was handed over in order).
   */
  readonly readAhead?: number;
  /** The parent run's digests (a manifest's, blockCount × 32 bytes, and its XXH3-128s if it has them); absent for a seed. */
  readonly parent?: { readonly digests: Buffer; readonly blockCount: number; readonly fast?: Buffer };
  /** Blocks this run already sent (a resumed run): compared, never sent again. */
  readonly done?: ReadonlySet<number>;
  /** Where changed blocks go; absent: nothing is sent (digests and flags only). */
  readonly transport?: TransportOptions;
  /** A bandwidth cap shared by every job (platform/bandwidth.ts); each lane waits on it before each PutSnapshotBlock. */
  readonly bandwidth?: SharedArrayBuffer;
  /** PutSnapshotBlock calls in flight over all lanes (default 16). */
  readonly concurrency?: number;
  /** The job's lanes (started with the worker, reused by its disks); absent: the pipeline starts its own (`lanes` of them). */
  readonly pool?: LanePool;
  /** Lanes (threads) of a pipeline without a pool; default: the cores, 1 to 4. */
  readonly lanes?: number;
  /** A block a lane has sent (the caller journals it). */
  readonly onSent?: (index: number, bytes: number) => void;
  readonly signal?: AbortSignal;
}

/** A zero block's entry in a manifest's XXH3-128s. */
const NO_FAST = Buffer.alloc(16);

export function zeroDigestOf(blockSize: number): Buffer {
  return createHash('sha256').update(Buffer.alloc(blockSize)).digest();
}

interface ChunkBuffer {
  readonly id: number;
  readonly buf: Buffer;
  /** 1 until the lane hashed it, plus one per block being sent. */
  refs: number;
}

interface Lane {
  readonly worker: Worker;
  /** Chunks not yet hashed plus blocks not yet sent: the least loaded lane gets the next chunk. */
  load: number;
}

/** How many lanes a job starts: one per core, 1 to 4. */
export function defaultLaneCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * The block lanes of a job's worker: started when the worker starts (a thread takes a while to boot, which then
 * overlaps opening the image and loading the EBS client) and reused by the job's disks one after another. A run
 * that ended with uploads still in flight (a failure) has its lanes replaced.
 */
export class LanePool {
  private workers: Worker[] = [];

  constructor(private readonly count = defaultLaneCount()) {
    this.spawn();
  }

  private spawn(): void {
    this.workers = Array.from({ length: Math.max(1, Math.min(this.count, 8)) }, () => startReplicationThread({ workerData: { role: 'lane' } satisfies LaneWorkerData }));
  }

  /** The lanes for one run; `release(clean)` hands them back (clean: nothing in flight, else they are replaced). */
  take(): { workers: readonly Worker[]; release(clean: boolean): Promise<void> } {
    const workers = this.workers;
    return {
      workers,
      release: async (clean) => {
        if (clean && this.workers === workers) return;
        if (this.workers === workers) this.spawn();
        await Promise.allSettled(workers.map((w) => w.terminate()));
      },
    };
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.allSettled(workers.map((w) => w.terminate()));
  }
}

/**
 * A run's block lanes and read-ahead. `chunks()` yields the image's chunks in order; the lanes start at once (they
 * hash while StartSnapshot is in flight) and send once `target()` names the snapshot.
 */
export class BlockPipeline {
  private readonly lanes: Lane[] = [];
  private readonly blockSize: number;
  private readonly chunkBlocks: number;
  private readonly readAhead: number;
  private readonly count: number;
  private readonly parent: Buffer;
  private readonly parentFast: SharedArrayBuffer | undefined;
  private readonly done: Uint8Array;
  private readonly zeroDigest: Buffer;
  private readonly all: ChunkBuffer[] = [];
  private readonly free: ChunkBuffer[] = [];
  private readonly freed: Array<() => void> = [];
  private readonly maxBuffers: number;
  private readonly hashed = new Map<number, { resolve: (r: Extract<LaneReply, { t: 'hashed' }>) => void; reject: (e: Error) => void; lane: Lane; buffer?: ChunkBuffer }>();
  private readonly sendingBuffers = new Map<number, { buffer?: ChunkBuffer; lane: Lane; left: number }>();
  /**
   * Chunks whose hashing was given up by a failure while a live lane had them: the lane still answers each (a lane
   * answers every chunk, in order), and the sends it started for one are awaited, so each counts as outstanding
   * until its answer arrives (else `settled()` could resolve, and the failure be journaled, before that answer).
   */
  private readonly lateHashes = new Map<number, Lane>();
  private readonly settledWaiters: Array<() => void> = [];
  private nextId = 0;
  private outstanding = 0;
  private stopped = false;
  private draining = false;
  private readonly detach: Array<() => void> = [];
  private readonly release: (clean: boolean) => Promise<void>;
  /** The first failure (a lane's upload after the SDK's retries, or a lane that died). */
  failure: Error | undefined;

  constructor(
    private readonly image: DiskImage,
    private readonly options: PipelineOptions,
  ) {
    const bs = (this.blockSize = options.blockSize);
    this.chunkBlocks = Math.max(1, options.chunkBlocks ?? 8);
    this.count = Math.ceil(image.size / bs);
    this.zeroDigest = zeroDigestOf(bs);
    const parentSab = new SharedArrayBuffer(this.count * 32);
    this.parent = Buffer.from(parentSab);
    // The parent's digests in one copy; blocks past its end (a disk that grew, or a seed) read as zero blocks, filled
    // by doubling copies (a few calls rather than one per block: an 8 GiB disk has 16,384 blocks).
    const inherited = options.parent ? Math.min(this.count, options.parent.blockCount) : 0;
    if (inherited > 0) options.parent!.digests.copy(this.parent, 0, 0, inherited * 32);
    if (inherited < this.count) {
      const from = inherited * 32;
      this.zeroDigest.copy(this.parent, from);
      for (let filled = 32; from + filled < this.parent.length; filled *= 2) this.parent.copy(this.parent, from + filled, from, Math.min(from + filled * 2, this.parent.length) - filled);
    }
    // The parent's XXH3-128s, where its manifest has them (past its end the parent's digest is the zero block's, and
    // a lane never takes a zero-digest block as unchanged by its XXH3-128).
    if (inherited > 0 && options.parent!.fast) {
      this.parentFast = new SharedArrayBuffer(this.count * 16);
      options.parent!.fast.copy(Buffer.from(this.parentFast), 0, 0, inherited * 16);
    }
    const doneSab = new SharedArrayBuffer(Math.max(1, this.count));
    this.done = new Uint8Array(doneSab);
    for (const i of options.done ?? []) if (i < this.count) this.done[i] = 1;
    const concurrency = Math.max(1, options.concurrency ?? 16);
    const pool = options.pool ?? new LanePool(options.lanes ?? defaultLaneCount());
    const lease = pool.take();
    this.release = async (clean) => {
      await lease.release(clean);
      if (!options.pool) await pool.close();
    };
    const n = lease.workers.length;
    this.readAhead = Math.max(1, options.readAhead ?? 2 * n + 4);
    // Buffers: 3 read ahead, one being hashed per lane, and those whose blocks are being sent (half the calls in
    // flight: a chunk usually holds several blocks to send); at least the read-ahead and one per lane. Few, because
    // the buffers are reused: on VMs where faulting in fresh memory costs ~25 µs a page, each new 4 MiB buffer costs
    // ~25 ms of the kernel's time. A run that sends little (an incremental one) frees a chunk's buffer once it is
    // hashed, so the whole read-ahead is in use; a seed is bounded by its sends, and queues no more of them than
    // before the read-ahead grew (what a pause lets finish stays the same).
    this.maxBuffers = Math.max(this.readAhead + n, 3 + n + Math.ceil(concurrency / 2));
    const setup = (lane: number): LaneSetup => ({
      blockSize: bs,
      parent: parentSab,
      ...(this.parentFast ? { parentFast: this.parentFast } : {}),
      done: doneSab,
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.bandwidth ? { bandwidth: options.bandwidth } : {}),
      // The in-flight calls are split over the lanes (16 over 2 lanes: 8 each).
      inFlight: Math.max(1, Math.floor(concurrency / n) + (lane < concurrency % n ? 1 : 0)),
    });
    lease.workers.forEach((worker, i) => {
      const lane: Lane = { worker, load: 0 };
      const onMessage = (r: LaneReply) => this.onReply(lane, r);
      const onError = (err: Error) => this.laneDied(lane, err);
      const onExit = (code: number) => {
        if (!this.stopped) this.laneDied(lane, new BlockLaneError(code));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      this.detach.push(() => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      });
      worker.postMessage({ t: 'setup', setup: setup(i) } satisfies LaneRequest);
      this.lanes.push(lane);
    });
  }

  /** The snapshot the lanes send to, with the Region and credentials the worker resolved. */
  target(snapshotId: string, identity: AwsIdentity): void {
    for (const l of this.lanes) l.worker.postMessage({ t: 'target', snapshotId, identity } satisfies LaneRequest);
  }

  /** Refreshed credentials (the lanes use them for their next calls). */
  credentials(identity: AwsIdentity): void {
    for (const l of this.lanes) l.worker.postMessage({ t: 'credentials', identity } satisfies LaneRequest);
  }

  /** Blocks handed to a lane and not yet sent (or failed). */
  get sending(): number {
    return this.outstanding;
  }

  /**
   * Sends nothing more (a pause or a cancel): the lanes drop the sends not started, and `settled()` resolves once the
   * uploads already in flight have ended, so that the journal can record every block the service has.
   */
  drain(): void {
    if (this.stopped || this.draining) return;
    this.draining = true;
    for (const l of this.lanes) l.worker.postMessage({ t: 'stop' } satisfies LaneRequest);
  }

  /** Resolves when no block is being sent (after a failure: when the uploads already started have ended). */
  settled(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const [id, w] of this.hashed) {
      w.reject(this.failure);
      if (!this.stopped) {
        this.lateHashes.set(id, w.lane);
        this.outstanding++;
      }
    }
    this.hashed.clear();
    if (!this.stopped) for (const l of this.lanes) l.worker.postMessage({ t: 'stop' } satisfies LaneRequest);
    // Reads waiting for a buffer stop (with the failure) rather than wait for buffers that may never be freed.
    for (const w of this.freed.splice(0)) w();
  }

  /**
   * A lane that crashed or exited fails the run. It reports nothing more, so its sends are not awaited; the other
   * lanes' uploads already started are (they end and are reported, so the journal records them before the failure).
   */
  private laneDied(lane: Lane, err: Error): void {
    this.fail(err);
    let n = 0;
    for (const [id, s] of this.sendingBuffers) {
      if (s.lane !== lane) continue;
      this.sendingBuffers.delete(id);
      this.unref(s.buffer, s.left);
      n += s.left;
    }
    // Its answers to chunks whose hashing was given up never come.
    for (const [id, l] of this.lateHashes) {
      if (l !== lane) continue;
      this.lateHashes.delete(id);
      n++;
    }
    lane.load = 0;
    this.settle(n);
  }

  private settle(n: number): void {
    this.outstanding -= n;
    if (this.outstanding <= 0) {
      this.outstanding = 0;
      for (const w of this.settledWaiters.splice(0)) w();
    }
  }

  private unref(b: ChunkBuffer | undefined, n = 1): void {
    if (!b) return;
    b.refs -= n;
    if (b.refs === 0) {
      this.free.push(b);
      this.freed.shift()?.();
    }
  }

  private onReply(lane: Lane, r: LaneReply): void {
    if (r.t === 'hashed') {
      const w = this.hashed.get(r.id);
      if (!w) {
        // Hashed before the lane heard of a failure (its hashing was given up here): the sends it queued are dropped
        // or, if already started, end and are reported; they are awaited as the others are.
        let started = 0;
        for (const f of r.flags) if (f & LANE_SENDING) started++;
        if (started && !this.stopped) {
          this.sendingBuffers.set(r.id, { lane, left: started });
          lane.load += started;
          this.outstanding += started;
        }
        // Counted since the failure; its sends (if any) are counted now, before it stops counting.
        if (this.lateHashes.delete(r.id)) this.settle(1);
        return;
      }
      this.hashed.delete(r.id);
      lane.load--;
      let sending = 0;
      for (const f of r.flags) if (f & LANE_SENDING) sending++;
      if (sending) {
        this.sendingBuffers.set(r.id, { ...(w.buffer ? { buffer: w.buffer } : {}), lane, left: sending });
        lane.load += sending;
        this.outstanding += sending;
        if (w.buffer) w.buffer.refs += sending;
      }
      this.unref(w.buffer);
      w.resolve(r);
      return;
    }
    if (r.t === 'sent') {
      for (const [id, index, bytes] of r.sent) {
        this.options.onSent?.(index, bytes);
        this.ended(lane, id, 1);
      }
      return;
    }
    if (r.t === 'failed') this.fail(new TransportError(r.code, r.message));
    this.ended(lane, r.id, r.t === 'dropped' ? r.count : 1);
  }

  /** `n` sends of chunk `id` ended (sent, failed or dropped): its buffer and the lane's load are released. */
  private ended(lane: Lane, id: number, n: number): void {
    // Sends of a chunk whose hashing was already given up (after a failure) were never counted.
    const s = this.sendingBuffers.get(id);
    if (!s) return;
    s.left -= n;
    if (s.left <= 0) this.sendingBuffers.delete(id);
    this.unref(s.buffer, n);
    lane.load -= n;
    this.settle(n);
  }

  private async takeBuffer(): Promise<ChunkBuffer> {
    for (;;) {
      if (this.failure) throw this.failure;
      const b = this.free.pop();
      if (b) return b;
      if (this.all.length < this.maxBuffers) {
        const sab = new SharedArrayBuffer(this.chunkBlocks * this.blockSize);
        const fresh: ChunkBuffer = { id: this.all.length, buf: Buffer.from(sab), refs: 0 };
        this.all.push(fresh);
        for (const l of this.lanes) l.worker.postMessage({ t: 'buffer', id: fresh.id, sab } satisfies LaneRequest);
        return fresh;
      }
      await new Promise<void>((resolve) => this.freed.push(resolve));
    }
  }

  private dispatch(first: number, blocks: Array<[number, number]>, buffer?: ChunkBuffer): Promise<Extract<LaneReply, { t: 'hashed' }>> {
    if (this.failure) return Promise.reject(this.failure);
    const lane = this.lanes.reduce((a, b) => (b.load < a.load ? b : a));
    const id = this.nextId++;
    lane.load++;
    return new Promise((resolve, reject) => {
      this.hashed.set(id, { resolve, reject, lane, ...(buffer ? { buffer } : {}) });
      lane.worker.postMessage({ t: 'chunk', id, buffer: buffer?.id ?? -1, first, blocks } satisfies LaneRequest);
    });
  }

  private async load(first: number, isData: boolean[]): Promise<PipelineChunk> {
    const bs = this.blockSize;
    const size = this.image.size;
    const last = first + isData.length;
    const bytes = Math.min(size, last * bs) - first * bs;
    const blockAt = (k: number) => ({ index: first + k, offset: (first + k) * bs, length: Math.min(bs, size - (first + k) * bs) });
    if (!isData.some(Boolean)) {
      // Nothing to read: zero blocks. Only a block the parent held data in (it must become zeros) needs a lane.
      const differs = (k: number) => !this.zeroDigest.equals(this.parent.subarray((first + k) * 32, (first + k) * 32 + 32));
      if (!isData.some((_, k) => differs(k) && !this.done[first + k])) {
        return { bytes, blocks: isData.map((_, k) => ({ ...blockAt(k), zero: true, digest: this.zeroDigest, fast: NO_FAST, changed: differs(k), sending: false })) };
      }
    }
    let b: ChunkBuffer | undefined;
    if (isData.some(Boolean)) {
      b = await this.takeBuffer();
      b.refs = 1;
      try {
        // Runs of allocated blocks, one read each; the last block's tail past the disk's end is zero-padded.
        for (let k = 0; k < isData.length; ) {
          if (!isData[k]) {
            k++;
            continue;
          }
          let e = k;
          while (e < isData.length && isData[e]) e++;
          const from = (first + k) * bs;
          const length = Math.min(size, (first + e) * bs) - from;
          await this.image.readInto(b.buf, k * bs, from, length);
          if (length < (e - k) * bs) b.buf.fill(0, k * bs + length, e * bs);
          k = e;
        }
      } catch (err) {
        this.unref(b);
        throw err;
      }
    }
    const reply = await this.dispatch(
      first,
      isData.map((d, k) => [k, d ? 1 : 0]),
      b,
    );
    return {
      bytes,
      blocks: isData.map((_, k) => ({
        ...blockAt(k),
        zero: reply.zero[k] === 1,
        digest: Buffer.from(reply.digests.buffer, reply.digests.byteOffset + k * 32, 32),
        fast: Buffer.from(reply.fast.buffer, reply.fast.byteOffset + k * 16, 16),
        changed: (reply.flags[k]! & LANE_CHANGED) !== 0,
        sending: (reply.flags[k]! & LANE_SENDING) !== 0,
      })),
    };
  }

  /** The image's chunks in order, read and hashed ahead; a failed read or lane is thrown when its chunk's turn comes. */
  async *chunks(): AsyncGenerator<PipelineChunk> {
    const allocated = allocatedBlocks(this.image, this.blockSize);
    // The allocation map is walked once, in ascending block order, as each chunk is started.
    let allocation: Promise<unknown> = Promise.resolve();
    const allocationOf = (first: number, last: number): Promise<boolean[]> => {
      const p = allocation.then(async () => {
        const out: boolean[] = [];
        for (let i = first; i < last; i++) out.push(await allocated.has(i));
        return out;
      });
      allocation = p.catch(() => undefined);
      return p;
    };
    const pending: Array<Promise<PipelineChunk>> = [];
    let next = 0;
    try {
      while (next < this.count || pending.length > 0) {
        this.options.signal?.throwIfAborted();
        if (this.failure) throw this.failure;
        while (next < this.count && pending.length < this.readAhead) {
          const first = next;
          const p = allocationOf(first, Math.min(this.count, first + this.chunkBlocks)).then((isData) => this.load(first, isData));
          next += this.chunkBlocks;
          // Loaded ahead, awaited in order: a failure is rethrown when its turn comes.
          p.catch(() => undefined);
          pending.push(p);
        }
        yield await pending.shift()!;
      }
    } finally {
      await Promise.allSettled(pending);
    }
  }

  /**
   * Ends the run's use of the lanes: handed back to the pool when nothing is in flight, else (a failure, an early
   * end) replaced, their uploads abandoned (the journal has only what was reported sent).
   */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const d of this.detach.splice(0)) d();
    await this.release(!this.failure && this.outstanding === 0 && this.hashed.size === 0);
  }
}
