import { createHash, randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { EBS_BLOCK_SIZE, openDiskImage, type DiskImage } from '../disk-image';
import { BlockPipeline, type LanePool } from './block-pipeline';
import { INTERRUPTED } from './interrupted';
import { TransportError, type SnapshotTransport, type TransportOptions } from '../transport/types';
import { diskState, fingerprint, inconsistentRecord, sameFingerprint, type Journal } from './journal';
import { ManifestError, readManifest, writeManifest, zeroBlockDigest, type BlockManifest } from './manifest';
import { pool } from '../../common/util/pool';

/** How often credentials that expire are resolved again and, when they changed, forwarded to the block lanes. */
const CREDENTIAL_REFRESH_MS = 30_000;

/** StartSnapshot refused the run's parent as not found (the last completed run's snapshot is gone). */
class ParentGone extends Error {
  constructor(
    readonly parentSnapshotId: string,
    readonly brief: string,
  ) {
    super(`the parent snapshot ${parentSnapshotId} was not found (${brief})`);
  }
}

export type DiskRunStatus = 'completed' | 'inconsistent' | 'failed';
export type ReplicationStage = 'opening' | 'starting-snapshot' | 'sending' | 'uploading' | 'completing' | 'verifying' | 'importing-image' | 'registering-image' | 'done';

export interface DiskRunRequest {
  readonly disk: string;
  readonly image: string;
  readonly transport: TransportOptions;
  /** Tags on the snapshot (the engine adds mwb:disk and mwb:run). */
  readonly tags?: Record<string, string>;
  readonly description?: string;
  /** PutSnapshotBlock calls in flight (default 16). */
  readonly concurrency?: number;
  /**
   * Finished blocks per journal record (default 16; a record is also written 250 ms after the oldest unrecorded
   * block finished): after a kill at most this many plus those in flight are sent again.
   */
  readonly batch?: number;
  /** A bandwidth cap shared by all running jobs (platform/bandwidth.ts); each block waits for its bytes before it is sent. */
  readonly bandwidth?: SharedArrayBuffer;
  /**
   * The integrity check after CompleteSnapshot (default on, 8 blocks): ListSnapshotBlocks must hold every block the
   * manifest says holds data, and a sample of blocks read back with GetSnapshotBlock must match the manifest.
   */
  readonly verify?: false | { readonly sample?: number };
}

export interface DiskRunResult {
  readonly disk: string;
  readonly image: string;
  readonly status: DiskRunStatus;
  readonly run: string | null;
  readonly snapshotId: string | null;
  readonly parentSnapshotId: string | null;
  /** Blocks of 512 KiB in the disk. */
  readonly blocksTotal: number;
  /** Blocks that differ from the last completed run (all that this snapshot holds). */
  readonly blocksChanged: number;
  /** Blocks this invocation sent (a resumed run does not send again what the journal says is done). */
  readonly blocksSent: number;
  readonly bytesSent: number;
  readonly resumed: boolean;
  readonly seconds: number;
  /** What the integrity check saw: blocks listed by the service and blocks read back and compared. */
  readonly verified?: { readonly listed: number; readonly sampled: number };
  /** The S3 transport's staging object (VM Import reads it; deleted after the AMI is made). */
  readonly object?: { readonly bucket: string; readonly key: string; readonly size: number };
  readonly message?: string;
}

export interface ReplicationProgress {
  readonly disk: string;
  readonly stage: ReplicationStage;
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly blocksChanged: number;
  readonly bytesSent: number;
  /** Logical bytes read per second since the run (this invocation) began. */
  readonly rate: number;
}

/**
 * Reads the completed snapshot's block list and compares it with the manifest (every block holding data is there,
 * none past the disk's end), then reads back a random sample of blocks and compares their SHA-256 with the manifest.
 */
async function verifySnapshot(transport: SnapshotTransport, snapshotId: string, digests: Buffer, blocksTotal: number, blockSize: number, sample: number): Promise<{ listed: number; sampled: number } | { problem: string }> {
  const listed = await transport.listBlocks(snapshotId);
  const zero = zeroBlockDigest(blockSize);
  for (const i of listed.keys()) if (i >= blocksTotal) return { problem: `the snapshot lists block ${i}, past the disk's ${blocksTotal} blocks` };
  let missing = 0;
  let firstMissing = -1;
  for (let i = 0; i < blocksTotal; i++) {
    if (!listed.has(i) && !digests.subarray(i * 32, i * 32 + 32).equals(zero)) {
      if (missing++ === 0) firstMissing = i;
    }
  }
  if (missing) return { problem: `${missing} block(s) holding data are not in the snapshot (first: ${firstMissing})` };
  // A random sample without repeats (a partial Fisher-Yates shuffle); every block when there are fewer.
  const candidates = [...listed.keys()];
  const n = Math.min(sample, candidates.length);
  for (let k = 0; k < n; k++) {
    const j = k + randomInt(candidates.length - k);
    [candidates[k], candidates[j]] = [candidates[j]!, candidates[k]!];
  }
  const picks = candidates.slice(0, n);
  // Read back 8 at a time (one round trip for the default sample, not eight); the first differing block in the
  // sample's order is the one reported, and a failed read fails the check as before.
  const differs = await pool(picks, 8, async (i) => !createHash('sha256').update(await transport.getBlock(snapshotId, i, listed.get(i)!)).digest().equals(digests.subarray(i * 32, i * 32 + 32)));
  const bad = differs.indexOf(true);
  if (bad >= 0) return { problem: `block ${picks[bad]} read back differs from the source` };
  return { listed: listed.size, sampled: picks.length };
}

/**
 * One disk's run: opens the image, resumes the journal's open run when the source is unchanged (else marks it
 * inconsistent and starts anew), sends the blocks whose SHA-256 differs from the last completed run's manifest (so
 * never a block zero on both sides), journals finished blocks in batches, and completes the snapshot only if the
 * source did not change while it was read.
 */
export async function replicateDisk(journal: Journal, jobDir: string, req: DiskRunRequest, onProgress: (p: ReplicationProgress) => void = () => undefined, opts: { readonly lanes?: LanePool; readonly retried?: boolean; readonly stop?: AbortSignal; readonly credentialRefreshMs?: number } = {}): Promise<DiskRunResult> {
  const began = Date.now();
  const blockSize = EBS_BLOCK_SIZE;
  const concurrency = Math.max(1, req.concurrency ?? 16);
  const batchSize = Math.max(1, req.batch ?? 16);
  let run: string | null = null;
  let snapshotId: string | null = null;
  let parentSnapshotId: string | null = null;
  let blocksTotal = 0;
  let blocksChanged = 0;
  let blocksSent = 0;
  let bytesSent = 0;
  let bytesRead = 0;
  let resumed = false;
  let stage: ReplicationStage = 'opening';
  let bytesTotal = 0;
  let verified: { listed: number; sampled: number } | undefined;
  const progress = () => onProgress({ disk: req.disk, stage, bytesRead, bytesTotal, blocksChanged, bytesSent, rate: bytesRead / Math.max(0.001, (Date.now() - began) / 1000) });
  const result = (status: DiskRunStatus, message?: string): DiskRunResult => ({
    disk: req.disk,
    image: req.image,
    status,
    run,
    snapshotId,
    parentSnapshotId,
    blocksTotal,
    blocksChanged,
    blocksSent,
    bytesSent,
    resumed,
    seconds: (Date.now() - began) / 1000,
    ...(verified ? { verified } : {}),
    ...(message ? { message } : {}),
  });
  const now = () => new Date().toISOString();
  let image: DiskImage | undefined;
  let transport: SnapshotTransport | undefined;
  let pipeline: BlockPipeline | undefined;
  /** Closes the run's client, lanes and image (before a fresh run takes over, and at the end). */
  const letGo = async (): Promise<void> => {
    transport?.destroy();
    transport = undefined;
    await pipeline?.close();
    pipeline = undefined;
    await image?.close();
    image = undefined;
  };
  try {
    progress();
    image = await openDiskImage(req.image);
    bytesTotal = image.size;
    blocksTotal = Math.ceil(image.size / blockSize);
    const source = await fingerprint(image);
    const state = diskState(journal.records, req.disk);
    let done = new Set<number>();
    let parentManifest: string | null = null;
    // The parent run's manifest, read once; a missing or damaged one (a cleaned-up data folder, a disk error) means
    // the changed blocks cannot be known: the run is then a seed (no parent), which sends every block holding data.
    let previous: BlockManifest | undefined;
    let lostManifest: string | undefined;
    const parentOf = async (file: string | null): Promise<BlockManifest | { unreadable: string } | undefined> => {
      if (!file) return undefined;
      try {
        return await readManifest(path.join(jobDir, file));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return { unreadable: err instanceof ManifestError ? err.message : code === 'ENOENT' ? 'the block manifest of the last run is missing' : `the block manifest of the last run cannot be read (${code ?? 'error'})` };
      }
    };
    if (state.open) {
      const o = state.open;
      const same = o.start.image === path.resolve(req.image) && sameFingerprint(o.start.fingerprint, source);
      const parent = same ? await parentOf(o.start.parentManifest) : undefined;
      if (!same) {
        await journal.append(inconsistentRecord(o.start.run, req.disk, o.start.image === path.resolve(req.image) ? 'source-changed' : 'image-remapped'));
      } else if (parent && 'unreadable' in parent) {
        // Its snapshot is a child of a run whose blocks it cannot compare with: it is given up, and a seed starts.
        await journal.append(inconsistentRecord(o.start.run, req.disk, 'parent-unreadable', parent.unreadable));
      } else {
        previous = parent;
        run = o.start.run;
        parentSnapshotId = o.start.parentSnapshotId;
        parentManifest = o.start.parentManifest;
        snapshotId = o.snapshotId ?? null;
        done = o.done;
        resumed = true;
      }
    }
    if (!run) {
      run = randomUUID();
      parentSnapshotId = state.lastCompleted?.snapshotId ?? null;
      parentManifest = state.lastCompleted?.manifest ?? null;
      const parent = await parentOf(parentManifest);
      previous = parent && !('unreadable' in parent) ? parent : undefined;
      if (parent && 'unreadable' in parent) lostManifest = parent.unreadable;
      // A disk that shrank (or another, smaller image mapped to it) cannot be a child of the last snapshot: EBS keeps
      // a child at least its parent's size, and the parent's blocks past the new end would stay in the lineage.
      if (!previous || previous.size > image.size) {
        parentSnapshotId = null;
        parentManifest = null;
        previous = undefined;
      }
      await journal.append({ t: 'start', run, disk: req.disk, image: path.resolve(req.image), fingerprint: source, parentSnapshotId, parentManifest, at: now() });
    }
    const digests = Buffer.alloc(blocksTotal * 32);
    const fast = Buffer.alloc(blocksTotal * 16);
    let finished: number[] = [];
    let journalChain = Promise.resolve();
    let firstUnrecorded = 0;
    const flush = () => {
      if (finished.length === 0) return journalChain;
      const idx = finished;
      finished = [];
      firstUnrecorded = 0;
      journalChain = journalChain.then(() => journal.append({ t: 'blocks', run: run!, disk: req.disk, idx }));
      return journalChain;
    };
    // The block lanes (block-pipeline.ts) start at once: they read and hash while the EBS client loads and
    // StartSnapshot is in flight, and send from the shared chunk buffers once they know the snapshot. This thread
    // journals what they report sent (every `batch` blocks or 250 ms) and reports progress.
    pipeline = new BlockPipeline(image, {
      blockSize,
      ...(opts.lanes ? { pool: opts.lanes } : {}),
      ...(previous && previous.blockSize === blockSize ? { parent: previous } : {}),
      done,
      transport: req.transport,
      ...(req.bandwidth ? { bandwidth: req.bandwidth } : {}),
      concurrency,
      onSent: (index, bytes) => {
        blocksSent++;
        bytesSent += bytes;
        finished.push(index);
        if (finished.length === 1) firstUnrecorded = Date.now();
        if (finished.length >= batchSize || Date.now() - firstUnrecorded > 250) void flush();
      },
    });
    const chunks = pipeline.chunks();
    let nextChunk = chunks.next();
    nextChunk.catch(() => undefined);
    const { createTransport } = await import('../transport/registry');
    transport = createTransport(req.transport);
    if (!snapshotId) {
      stage = 'starting-snapshot';
      progress();
      const parent = parentSnapshotId;
      const started = await transport
        .start({
          volumeSizeGiB: Math.max(1, Math.ceil(image.size / 2 ** 30)),
          ...(parent ? { parentSnapshotId: parent } : {}),
          clientToken: run,
          description: req.description ?? `Migration Workbench replication of ${req.disk}`,
          tags: { ...req.tags, 'mwb:disk': req.disk, 'mwb:run': run },
        })
        .catch((err: unknown) => {
          // EBS answers ResourceNotFound for a parent that was deleted (or is in another Region or account).
          throw parent && err instanceof TransportError && err.code === 'not-found' ? new ParentGone(parent, err.message.slice(0, 160)) : err;
        });
      // EBS direct blocks are 512 KiB (moto reports 512 here; a wrong block size would fail at PutSnapshotBlock anyway).
      snapshotId = started.snapshotId;
      await journal.append({ t: 'snapshot', run, disk: req.disk, snapshotId });
    }
    // The lanes' clients get the Region and credentials resolved here once; credentials that expire are resolved
    // again (the SDK refreshes them ahead of their expiry) and forwarded.
    let identity = await transport.identity();
    pipeline.target(snapshotId, identity);
    const refresh = identity.credentials.expiration
      ? setInterval(() => {
          void transport
            ?.identity()
            .then((next) => {
              if (next.credentials.accessKeyId !== identity.credentials.accessKeyId || next.credentials.sessionToken !== identity.credentials.sessionToken || next.credentials.expiration?.getTime() !== identity.credentials.expiration?.getTime()) {
                identity = next;
                pipeline?.credentials(next);
              }
            })
            .catch(() => undefined);
        }, opts.credentialRefreshMs ?? CREDENTIAL_REFRESH_MS)
      : undefined;
    stage = 'sending';
    let lastProgress = 0;
    let lastStat = Date.now();
    let changedSource = false;
    // A pause or a cancel: nothing more is sent, the uploads in flight end and are journaled (see finally), so that
    // the resumed run re-sends nothing the service already has.
    const drain = () => pipeline?.drain();
    opts.stop?.addEventListener('abort', drain, { once: true });
    if (opts.stop?.aborted) drain();
    try {
      for (;;) {
        if (opts.stop?.aborted) break;
        const r = await nextChunk;
        if (r.done) break;
        nextChunk = chunks.next();
        nextChunk.catch(() => undefined);
        for (const b of r.value.blocks) {
          b.digest.copy(digests, b.index * 32);
          b.fast.copy(fast, b.index * 16);
          bytesRead += b.length;
          if (b.changed) blocksChanged++;
        }
        const t = Date.now();
        if (t - lastProgress > 250) {
          lastProgress = t;
          progress();
        }
        if (t - lastStat > 1000) {
          lastStat = t;
          if (!sameFingerprint(await fingerprint(image), source)) {
            changedSource = true;
            break;
          }
        }
      }
    } catch (err) {
      // A failed upload is the run's failure, whichever chunk was being read when it was reported.
      throw pipeline.failure ?? err;
    } finally {
      if (refresh) clearInterval(refresh);
      opts.stop?.removeEventListener('abort', drain);
      await chunks.return(undefined).catch(() => undefined);
      // Blocks already handed to a lane finish (or fail) before the journal is flushed; after a failure only the
      // uploads already started are waited for.
      await pipeline.settled();
      await flush();
      await journalChain;
    }
    if (pipeline.failure) throw pipeline.failure;
    if (opts.stop?.aborted) {
      // Not a failure of the run: the journal keeps it open, and the next run resumes it.
      stage = 'done';
      return result('failed', INTERRUPTED);
    }
    if (changedSource || !sameFingerprint(await fingerprint(image), source)) {
      const record = inconsistentRecord(run, req.disk, 'changed-while-read');
      const reason = record.reason;
      await journal.append(record);
      stage = 'done';
      progress();
      return result('inconsistent', reason);
    }
    stage = 'completing';
    progress();
    const manifestFile = `manifest-${req.disk.replace(/[^A-Za-z0-9._-]/g, '_')}-${run}.bin`;
    await writeManifest(path.join(jobDir, manifestFile), { size: image.size, blockSize, blockCount: blocksTotal, digests, fast });
    await transport.complete(snapshotId, blocksChanged);
    if (req.verify !== false) {
      stage = 'verifying';
      progress();
      const check = await verifySnapshot(transport, snapshotId, digests, blocksTotal, blockSize, req.verify?.sample ?? 8);
      if ('problem' in check) {
        // Never the parent of a later run, never an AMI: the next run starts a new snapshot from the last good one.
        const record = inconsistentRecord(run, req.disk, 'integrity', check.problem);
        const reason = record.reason;
        await journal.append(record);
        stage = 'done';
        progress();
        return result('failed', reason);
      }
      verified = check;
    }
    await journal.append({ t: 'complete', run, disk: req.disk, snapshotId, manifest: manifestFile, changed: blocksChanged, blocksTotal, at: now() });
    stage = 'done';
    progress();
    return result('completed', lostManifest ? `The last run's block list could not be used (${lostManifest}), so this run sent every block again.` : undefined);
  } catch (err) {
    // The last completed run's snapshot is gone: a child of it cannot be made, and waiting will not bring it back.
    // That run is no longer a parent (the journal says so), and a run without a parent starts at once: it sends every
    // block that holds data, as a seed does. It cannot come back here: it has no parent.
    if (err instanceof ParentGone && run) {
      await journal.append(inconsistentRecord(run, req.disk, 'parent-gone', `${err.parentSnapshotId} (${err.brief})`));
      await letGo();
      const fresh = await replicateDisk(journal, jobDir, req, onProgress, opts);
      const said = `the last run's snapshot ${err.parentSnapshotId} no longer exists, so this run sent every block again`;
      return { ...fresh, message: fresh.message ? `${fresh.message} (${said})` : `${said[0]!.toUpperCase()}${said.slice(1)}.` };
    }
    // A resumed run whose snapshot the service no longer accepts (expired, cancelled) cannot go on: close it and
    // start a fresh run at once (the caller's retry budget is this one extra run).
    if (resumed && run && err instanceof TransportError && (err.code === 'not-found' || err.code === 'validation') && !opts.retried) {
      await journal.append(inconsistentRecord(run, req.disk, 'target-gone', `its snapshot is no longer open (${err.code})`));
      await letGo();
      return replicateDisk(journal, jobDir, req, onProgress, { ...opts, retried: true });
    }
    const message = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`.slice(0, 300) : 'the run failed';
    if (run) await journal.append({ t: 'failed', run, disk: req.disk, message, at: now() }).catch(() => undefined);
    return result('failed', message);
  } finally {
    await letGo();
  }
}
