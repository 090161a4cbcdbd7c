import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { openDiskImage, EBS_BLOCK_SIZE, type DiskImage } from '../disk-image';
import { S3StagingTransport, stagingMetadata, type S3TransportOptions } from '../transport/s3.transport';
import { TransportError } from '../transport/types';
import { fingerprint, inconsistentRecord, s3DiskState, sameFingerprint, type InconsistentCode, type Journal, type JournalRecord, type SourceFingerprint } from './journal';
import type { DiskRunResult, ReplicationProgress, ReplicationStage } from './run-disk';

export interface S3DiskRunRequest {
  readonly disk: string;
  readonly image: string;
  readonly transport: S3TransportOptions;
  /** Object metadata (server, project); the engine adds the disk and the run. */
  readonly tags?: Record<string, string>;
  /** Part size in bytes (default: 16 MiB, or more so that the disk fits in 10,000 parts; at least 5 MiB). */
  readonly partSize?: number;
  /** Parts in flight (default 4). */
  readonly concurrency?: number;
}

/** What a completed S3 run did with the disk's earlier staging objects (`sweepStaging`). */
export interface StagingSweep {
  /** The bucket swept (this run's). */
  readonly bucket: string;
  /** Keys of earlier runs' objects of this disk, deleted: no pending or future step needs them. */
  readonly deleted: string[];
  /** Why the sweep stopped early (the objects not yet deleted stay until the next run), if it did. */
  readonly error?: string;
}

/**
 * A disk run of the S3 transport: a completed one names its staging object and what it swept; `reusedObject` when
 * nothing was uploaded because the object a failed import left is the unchanged image (`reusableObject`).
 */
export type S3DiskRunResult = DiskRunResult & { readonly staging?: StagingSweep; readonly reusedObject?: boolean };

const MiB = 2 ** 20;
const STAGED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.raw$/;
const SEGMENT_MAX = 100;
/** How names became key segments before `stagingSegment` (two names could give one segment): journals may name such keys. */
const legacySegment = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, SEGMENT_MAX);

/**
 * A name (project id, server name, disk label) as one segment of a staging key, never the segment of another name:
 * the name itself when it is key-safe (1 to 100 of `A-Z a-z 0-9 . _ -`, not only dots, not ending like the suffix
 * below), else its other characters replaced by `_`, cut to 91 characters, plus `.` and the first 8 hex digits of the
 * SHA-256 of the exact name (`WEB/01` → `WEB_01.<hash>`, `web 01` → `web_01.<hash>`; `WEB_01` stays `WEB_01`).
 */
export function stagingSegment(name: string): string {
  if (/^[A-Za-z0-9._-]+$/.test(name) && name.length <= SEGMENT_MAX && !/^\.+$/.test(name) && !/\.[0-9a-f]{8}$/.test(name)) return name;
  return `${legacySegment(name).slice(0, SEGMENT_MAX - 9)}.${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8)}`;
}

/** The disk's staging key prefix: `<keyPrefix><project>/<server>/<disk>-` (each a `stagingSegment`), followed by `<run uuid>.raw`. */
export function stagingPrefix(keyPrefix: string | undefined, tags: Record<string, string>, disk: string, segment: (name: string) => string = stagingSegment): string {
  return `${keyPrefix ?? 'mwb-staging/'}${segment(tags['mwb:project'] ?? 'project')}/${segment(tags['mwb:server'] ?? 'server')}/${segment(disk)}-`;
}

/** The prefix earlier versions gave a disk (`legacySegment`) and the keys this server's journal names under it. */
export interface LegacyStaging {
  readonly prefix: string;
  readonly keys: ReadonlySet<string>;
}

/**
 * Keys of this disk's runs under the prefix earlier versions gave it, when that differs from today's: only the keys
 * this server's journal names there are ever aborted, swept or imported again, since another server or disk whose
 * names differ only in replaced characters shares that prefix.
 */
export function legacyStaging(records: readonly JournalRecord[], o: { disk: string; bucket: string; keyPrefix?: string; tags: Record<string, string> }): LegacyStaging {
  const prefix = stagingPrefix(o.keyPrefix, o.tags, o.disk, legacySegment);
  const keys = new Set<string>();
  if (prefix !== stagingPrefix(o.keyPrefix, o.tags, o.disk)) {
    for (const r of records) if (r.t === 's3-start' && r.disk === o.disk && r.bucket === o.bucket && r.key.startsWith(prefix)) keys.add(r.key);
  }
  return { prefix, keys };
}

/**
 * Aborts this disk's unfinished multipart uploads but `current`: under its prefix those of our key form (`<run
 * uuid>.raw`: an earlier run's, or one the journal never recorded), under the earlier versions' prefix those of keys
 * the journal names. Another disk's, server's or project's upload and keys of another form are never touched.
 */
async function abortStaleUploads(s3: S3StagingTransport, o: { prefix: string; legacy: LegacyStaging; current?: string }): Promise<void> {
  const stale = (await s3.listUploads(o.prefix)).filter((u) => STAGED.test(u.key.slice(o.prefix.length)));
  if (o.legacy.keys.size) stale.push(...(await s3.listUploads(o.legacy.prefix)).filter((u) => o.legacy.keys.has(u.key)));
  for (const u of stale) if (u.uploadId !== o.current) await s3.abort(u.key, u.uploadId);
}

export function partSizeFor(size: number, requested?: number): number {
  const min = Math.ceil(size / 10_000 / MiB) * MiB;
  return Math.max(5 * MiB, requested ?? 16 * MiB, min);
}

/** Staging objects an AMI step started and not ended names (its import may still read them), by bucket and key. */
export function stagingKeysInUse(records: readonly JournalRecord[]): Set<string> {
  const open = new Map<string, Extract<JournalRecord, { t: 'ami-start' }>>();
  for (const r of records) {
    if (r.t === 'ami-start') open.set(r.ami, r);
    else if (r.t === 'ami-end') open.delete(r.ami);
  }
  const out = new Set<string>();
  for (const step of open.values()) for (const src of step.sources) if (src.kind === 's3') out.add(`${src.bucket}/${src.key}`);
  return out;
}

/**
 * Deletes the staging objects of this disk that no pending or future step needs, after this run's object is complete
 * (so that a failed run never leaves the disk without one): under the disk's prefix, an object named by another run
 * (`<run uuid>.raw`) whose metadata names this project, server and disk, unless an AMI step started and not ended
 * names it. Those are the objects of a failed import, of a run killed between its upload and its AMI step, of a run
 * with no AMI that this run replaces, or of a run whose record was lost. Anything else under the prefix (another
 * disk's, a key of another form, an object without our metadata) is never touched.
 */
export async function sweepStaging(s3: S3StagingTransport, records: readonly JournalRecord[], o: { prefix: string; keep: string; metadata: Record<string, string>; legacy?: LegacyStaging }): Promise<StagingSweep> {
  const inUse = stagingKeysInUse(records);
  const deleted: string[] = [];
  try {
    const objects = (await s3.listObjects(o.prefix)).map((x) => ({ key: x.key, name: x.key.slice(o.prefix.length) }));
    // Under the earlier versions' prefix, only the keys this disk's journal names (that prefix may be shared).
    const legacy = o.legacy;
    if (legacy?.keys.size) for (const x of await s3.listObjects(legacy.prefix)) if (legacy.keys.has(x.key)) objects.push({ key: x.key, name: x.key.slice(legacy.prefix.length) });
    for (const obj of objects) {
      const name = obj.name;
      if (obj.key === o.keep || !STAGED.test(name) || inUse.has(`${s3.bucket}/${obj.key}`)) continue;
      const meta = await s3.metadata(obj.key);
      if (!meta || meta['mwb-run'] !== name.slice(0, -4) || Object.entries(o.metadata).some(([k, v]) => meta[k] !== v)) continue;
      await s3.remove(obj.key);
      deleted.push(obj.key);
    }
    return { bucket: s3.bucket, deleted };
  } catch (err) {
    return { bucket: s3.bucket, deleted, error: (err instanceof Error ? err.message : 'the listing failed').slice(0, 300) };
  }
}

/**
 * The staging object a failed VM Import left, when the next run can import from it again instead of uploading the
 * disk: the disk's last completed upload, of the same image file with the same fingerprint (size and modification
 * time of every file of its chain) into the same bucket; an AMI step named it and ended failed, and no step that
 * names it is open (its import may still read it) or completed (its AMI exists: the object was to be deleted); and the
 * object is still there under this disk's prefix with the disk's size and our metadata naming this project, server,
 * disk and the run its key names. Any doubt (a failed HeadObject included) means no: the disk is uploaded again.
 */
export async function reusableObject(s3: S3StagingTransport, records: readonly JournalRecord[], o: { disk: string; image: string; source: SourceFingerprint; size: number; prefix: string; metadata: Record<string, string>; legacy?: LegacyStaging }): Promise<string | undefined> {
  const last = s3DiskState(records, o.disk).lastCompleted;
  if (!last || last.bucket !== s3.bucket || last.size !== o.size) return undefined;
  // Under this disk's prefix, or (staged by an earlier version) under the prefix it had then.
  const base = last.key.startsWith(o.prefix) ? o.prefix : o.legacy?.keys.has(last.key) ? o.legacy.prefix : undefined;
  if (base === undefined) return undefined;
  const name = last.key.slice(base.length);
  if (!STAGED.test(name)) return undefined;
  const start = records.find((r): r is Extract<JournalRecord, { t: 's3-start' }> => r.t === 's3-start' && r.run === last.run && r.disk === o.disk);
  if (!start || start.image !== o.image || !sameFingerprint(start.fingerprint, o.source)) return undefined;
  const names = (r: JournalRecord) => r.t === 'ami-start' && r.sources.some((x) => x.kind === 's3' && x.bucket === last.bucket && x.key === last.key);
  const steps = new Set(records.filter(names).map((r) => (r as Extract<JournalRecord, { t: 'ami-start' }>).ami));
  const ends = records.filter((r): r is Extract<JournalRecord, { t: 'ami-end' }> => r.t === 'ami-end' && steps.has(r.ami));
  if (!steps.size || ends.some((e) => e.outcome !== 'failed') || new Set(ends.map((e) => e.ami)).size !== steps.size) return undefined;
  try {
    const meta = await s3.metadata(last.key);
    if (!meta || meta['mwb-run'] !== name.slice(0, -4) || Object.entries(o.metadata).some(([k, v]) => meta[k] !== v)) return undefined;
    return (await s3.size(last.key)) === o.size ? last.key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One disk to an S3 staging object (raw) by multipart upload, resumable: the journal keeps the upload id and the
 * finished parts; a restarted run asks ListParts what the server holds and skips a part whose ETag is the MD5 of the
 * local part (the journal alone where the server has no ListParts). A run replaced by a new one (source changed) has
 * its upload aborted, and so has any other unfinished upload of this disk. Every part carries Content-MD5; the
 * completed object's size is checked. The object stays until the AMI is imported from it (the service deletes it),
 * or, with no AMI, as the run's output until a later run of the disk completes its own; once it is complete the
 * disk's earlier objects that nothing needs are deleted (`sweepStaging`).
 */
export async function replicateDiskToS3(journal: Journal, req: S3DiskRunRequest, onProgress: (p: ReplicationProgress) => void = () => undefined, retried = false): Promise<S3DiskRunResult> {
  const began = Date.now();
  let run: string | null = null;
  let blocksTotal = 0;
  let bytesSent = 0;
  let bytesRead = 0;
  let bytesTotal = 0;
  let resumed = false;
  let stage: ReplicationStage = 'opening';
  let key = '';
  const progress = () => onProgress({ disk: req.disk, stage, bytesRead, bytesTotal, blocksChanged: blocksTotal, bytesSent, rate: bytesRead / Math.max(0.001, (Date.now() - began) / 1000) });
  let staging: StagingSweep | undefined;
  let reusedObject = false;
  const result = (status: DiskRunResult['status'], message?: string): S3DiskRunResult => ({
    disk: req.disk,
    image: req.image,
    status,
    run,
    snapshotId: null,
    parentSnapshotId: null,
    blocksTotal,
    blocksChanged: blocksTotal,
    blocksSent: Math.ceil(bytesSent / EBS_BLOCK_SIZE),
    bytesSent,
    resumed,
    seconds: (Date.now() - began) / 1000,
    ...(status === 'completed' ? { object: { bucket: req.transport.bucket, key, size: bytesTotal } } : {}),
    ...(message ? { message } : {}),
    ...(staging ? { staging } : {}),
    ...(reusedObject ? { reusedObject } : {}),
  });
  const now = () => new Date().toISOString();
  let image: DiskImage | undefined;
  const s3 = new S3StagingTransport(req.transport);
  try {
    progress();
    image = await openDiskImage(req.image);
    bytesTotal = image.size;
    blocksTotal = Math.ceil(image.size / EBS_BLOCK_SIZE);
    const source = await fingerprint(image);
    const state = s3DiskState(journal.records, req.disk);
    const tags = req.tags ?? {};
    const prefix = stagingPrefix(req.transport.keyPrefix, tags, req.disk);
    // Keys staged by earlier versions (names not yet unique), which the journal may still name: a run in progress
    // resumes into its key, and a failed import's object there is imported again or swept like any other.
    const legacy = legacyStaging(journal.records, { disk: req.disk, bucket: req.transport.bucket, ...(req.transport.keyPrefix !== undefined ? { keyPrefix: req.transport.keyPrefix } : {}), tags });
    let uploadId: string | undefined;
    let partSize = partSizeFor(image.size, req.partSize);
    let journalParts = new Map<number, string>();
    if (state.open) {
      const o = state.open;
      // A run that reused an earlier run's object (its key names that run) is never resumed as an upload: it was cut
      // off between its s3-start and its s3-complete, written together (a torn last line).
      const reuseRecord = !o.start.key.endsWith(`-${o.start.run}.raw`);
      const why: InconsistentCode | undefined = reuseRecord
        ? 'reuse-unfinished'
        : o.start.image !== path.resolve(req.image)
          ? 'image-remapped'
          : o.start.bucket !== req.transport.bucket
            ? 'bucket-changed'
            : !sameFingerprint(o.start.fingerprint, source)
              ? 'source-changed'
              : undefined;
      if (!why) {
        run = o.start.run;
        key = o.start.key;
        partSize = o.start.partSize;
        uploadId = o.uploadId;
        journalParts = o.parts;
        resumed = true;
      } else {
        if (o.uploadId) {
          // In the bucket that upload went to.
          const own = o.start.bucket === req.transport.bucket ? s3 : new S3StagingTransport({ ...req.transport, bucket: o.start.bucket });
          await own.abort(o.start.key, o.uploadId).catch(() => undefined);
          if (own !== s3) own.destroy();
        }
        await journal.append(inconsistentRecord(o.start.run, req.disk, why));
      }
    }
    const metadata = stagingMetadata({ ...tags, 'mwb-disk': req.disk });
    if (!run) {
      // After a failed VM Import of an unchanged image, its object is imported again: nothing is uploaded. The new
      // run owns that object from here (the AMI step deletes it once the AMI is made; the sweep keeps it).
      const reuse = await reusableObject(s3, journal.records, { disk: req.disk, image: path.resolve(req.image), source, size: image.size, prefix, metadata, legacy });
      if (reuse) {
        // Stray uploads of this disk cost storage here as on the upload path (same rules); a failed listing fails
        // the run before anything is journaled, as it does there.
        await abortStaleUploads(s3, { prefix, legacy });
        run = randomUUID();
        key = reuse;
        reusedObject = true;
        const at = now();
        await journal.append(
          { t: 's3-start', run, disk: req.disk, image: path.resolve(req.image), fingerprint: source, bucket: req.transport.bucket, key, partSize, at },
          { t: 's3-complete', run, disk: req.disk, bucket: req.transport.bucket, key, size: image.size, at },
        );
        bytesRead = image.size;
        staging = await sweepStaging(s3, journal.records, { prefix, keep: key, metadata, legacy });
        stage = 'done';
        progress();
        return result('completed');
      }
    }
    if (!run) {
      run = randomUUID();
      key = `${prefix}${run}.raw`;
      await journal.append({ t: 's3-start', run, disk: req.disk, image: path.resolve(req.image), fingerprint: source, bucket: req.transport.bucket, key, partSize, at: now() });
    }
    stage = 'uploading';
    progress();
    // Stale uploads of this disk (an earlier run's, or one the journal never recorded): aborted, they cost storage.
    await abortStaleUploads(s3, { prefix, legacy, ...(uploadId ? { current: uploadId } : {}) });
    if (!uploadId) {
      uploadId = await s3.create(key, { ...tags, 'mwb-disk': req.disk, 'mwb-run': run });
      await journal.append({ t: 's3-upload', run, disk: req.disk, uploadId });
    }
    const listed = resumed ? await s3.listParts(key, uploadId) : new Map<number, { etag: string; size: number }>();
    const partCount = Math.max(1, Math.ceil(image.size / partSize));
    const etags = new Array<string>(partCount + 1);
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    let lastStat = Date.now();
    let changedSource = false;
    const concurrency = Math.max(1, req.concurrency ?? 4);
    for (let n = 1; n <= partCount && !failure; n++) {
      const offset = (n - 1) * partSize;
      const length = Math.min(partSize, image.size - offset);
      const data = await image.read(offset, length);
      const md5 = createHash('md5').update(data).digest();
      bytesRead += length;
      const have = listed ? listed.get(n) : undefined;
      if (have && have.etag === md5.toString('hex') && have.size === length) etags[n] = have.etag;
      else if (!listed && journalParts.has(n)) etags[n] = journalParts.get(n)!;
      else {
        const part = n;
        const p: Promise<void> = s3.uploadPart(key, uploadId, part, data, md5.toString('base64')).then(
          async (etag) => {
            // The server checked Content-MD5; the ETag is what CompleteMultipartUpload names the part by.
            const clean = etag.replace(/"/g, '');
            etags[part] = clean;
            bytesSent += length;
            await journal.append({ t: 's3-part', run: run!, disk: req.disk, n: part, etag: clean });
            inFlight.delete(p);
          },
        ).catch((err: unknown) => {
          inFlight.delete(p);
          failure ??= err;
        });
        inFlight.add(p);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      progress();
      if (Date.now() - lastStat > 1000) {
        lastStat = Date.now();
        if (!sameFingerprint(await fingerprint(image), source)) {
          changedSource = true;
          break;
        }
      }
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
    if (changedSource || !sameFingerprint(await fingerprint(image), source)) {
      const record = inconsistentRecord(run, req.disk, 'changed-while-read');
      const reason = record.reason;
      await s3.abort(key, uploadId).catch(() => undefined);
      await journal.append(record);
      stage = 'done';
      progress();
      return result('inconsistent', reason);
    }
    stage = 'completing';
    progress();
    await s3.complete(key, uploadId, Array.from({ length: partCount }, (_, i) => ({ n: i + 1, etag: etags[i + 1]! })));
    stage = 'verifying';
    progress();
    const size = await s3.size(key);
    if (size !== image.size) {
      await journal.append(inconsistentRecord(run, req.disk, 'integrity', `the staged object is ${size} bytes, not ${image.size}`));
      return result('failed', `integrity check failed: the staged object is ${size} bytes, not ${image.size}`);
    }
    await journal.append({ t: 's3-complete', run, disk: req.disk, bucket: req.transport.bucket, key, size, at: now() });
    staging = await sweepStaging(s3, journal.records, { prefix, keep: key, metadata, legacy });
    stage = 'done';
    progress();
    return result('completed');
  } catch (err) {
    // The upload is gone (aborted elsewhere, expired by a lifecycle rule): start a fresh one, once.
    if (resumed && run && err instanceof TransportError && err.code === 'not-found' && !retried) {
      await journal.append(inconsistentRecord(run, req.disk, 'target-gone', `its multipart upload is no longer open (${err.code})`));
      s3.destroy();
      await image?.close();
      image = undefined;
      return replicateDiskToS3(journal, req, onProgress, true);
    }
    const message = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`.slice(0, 300) : 'the upload failed';
    if (run) await journal.append({ t: 'failed', run, disk: req.disk, message, at: now() }).catch(() => undefined);
    return result('failed', message);
  } finally {
    s3.destroy();
    await image?.close();
  }
}
