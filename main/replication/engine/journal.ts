import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DiskImage } from '../disk-image';

/**
 * The per-job replication journal: an append-only file of one JSON record per line, each followed by a tab and the
 * first 16 hex digits of its SHA-256. A SIGKILL at any instant leaves at most one torn last line, which `read`
 * drops (and `open` cuts off before appending), so the journal is always readable.
 */
export type JournalRecord =
  | { t: 'start'; run: string; disk: string; image: string; fingerprint: SourceFingerprint; parentSnapshotId: string | null; parentManifest: string | null; at: string }
  | { t: 'snapshot'; run: string; disk: string; snapshotId: string }
  | { t: 'blocks'; run: string; disk: string; idx: number[] }
  | { t: 'complete'; run: string; disk: string; snapshotId: string; manifest: string; changed: number; blocksTotal: number; at: string }
  | { t: 'inconsistent'; run: string; disk: string; reason: string; code?: InconsistentCode; at: string }
  | { t: 'failed'; run: string; disk: string; message: string; at: string }
  // The S3 + VM Import transport (its own journal file, journal-s3.log): the staging object's multipart upload.
  | { t: 's3-start'; run: string; disk: string; image: string; fingerprint: SourceFingerprint; bucket: string; key: string; partSize: number; at: string }
  | { t: 's3-upload'; run: string; disk: string; uploadId: string }
  | { t: 's3-part'; run: string; disk: string; n: number; etag: string }
  | { t: 's3-complete'; run: string; disk: string; bucket: string; key: string; size: number; at: string }
  // The AMI step after a completed run (in the transport's journal; `ami/journaled.ts`): what a restart needs to poll
  // the same VM Import task (or find the registered image by its name) instead of starting another.
  | { t: 'ami-start'; ami: string; mode: 'import' | 'register'; runs: Array<{ disk: string; run: string }>; sources: JournalAmiSource[]; name: string; at: string }
  | { t: 'ami-task'; ami: string; importTaskId: string }
  | { t: 'ami-image'; ami: string; amiId: string }
  | { t: 'ami-end'; ami: string; outcome: 'completed' | 'failed' | 'abandoned'; amiId?: string; message?: string; at: string };

/**
 * Why a run was given up (an `inconsistent` record: never resumed, never a parent). `reason` is the code's words
 * (`inconsistentRecord`), with a detail for some; journals written before the code was added have the words only.
 */
export type InconsistentCode =
  /** The image file of an interrupted run changed since (size or modification time of a file of its chain). */
  | 'source-changed'
  /** The disk is mapped to another image file than the interrupted run's. */
  | 'image-remapped'
  /** An interrupted S3 upload was to another bucket than this run's. */
  | 'bucket-changed'
  /** An S3 run that reused a failed import's staged object was cut off while it journaled that (its `s3-complete` torn off). */
  | 'reuse-unfinished'
  /** The image changed while this run read it. */
  | 'changed-while-read'
  /** The interrupted run's snapshot (EBS) or multipart upload (S3) is no longer open. */
  | 'target-gone'
  /**
   * The last completed run's snapshot, this run's parent, no longer exists (deleted, or another Region or account):
   * StartSnapshot answered ResourceNotFound. That run is never a parent again; the next run sends every block.
   */
  | 'parent-gone'
  /** The block manifest of the interrupted run's parent is missing or damaged: its changed blocks cannot be known. */
  | 'parent-unreadable'
  /** The snapshot or staged object does not hold what was sent. */
  | 'integrity';

const INCONSISTENT_WORDS: Record<InconsistentCode, string> = {
  'source-changed': 'the source image changed after the run was interrupted',
  'image-remapped': 'the disk is mapped to another image file than the interrupted run read',
  'bucket-changed': 'the interrupted upload went to another bucket than this run stages in',
  'reuse-unfinished': "the run that reused a failed import's staged object was cut off before it was journaled complete; it is never resumed as an upload",
  'changed-while-read': 'the source image changed (size or modification time) while it was read',
  'target-gone': 'the interrupted run can no longer be resumed',
  'parent-gone': "the last completed run's snapshot, the parent of this run, no longer exists: the next run sends every block",
  'parent-unreadable': "the block manifest of this run's parent cannot be read: the next run sends every block",
  integrity: 'integrity check failed',
};

/** An `inconsistent` record: the code, and its words (with the detail, when given, after a colon). */
export function inconsistentRecord(run: string, disk: string, code: InconsistentCode, detail?: string): Extract<JournalRecord, { t: 'inconsistent' }> {
  return { t: 'inconsistent', run, disk, code, reason: `${INCONSISTENT_WORDS[code]}${detail ? `: ${detail}` : ''}`, at: new Date().toISOString() };
}

/** An AMI step's source as journaled (the same shape as `ami/ami.ts`'s `AmiSource`). */
export type JournalAmiSource = { kind: 'snapshot'; disk: string; snapshotId: string } | { kind: 's3'; disk: string; bucket: string; key: string; format: 'raw' | 'vmdk' };

/** What identifies the source's content without reading it: every file of the image's chain, size and mtime. */
export type SourceFingerprint = Array<{ path: string; size: number; mtimeMs: number }>;

const check = (json: string) => createHash('sha256').update(json).digest('hex').slice(0, 16);

export function encodeRecord(r: JournalRecord): string {
  const json = JSON.stringify(r);
  return `${json}\t${check(json)}\n`;
}

/** The valid records and the byte length they span (a torn or corrupt tail is left out). */
export function decodeJournal(text: Buffer): { records: JournalRecord[]; validLength: number } {
  const records: JournalRecord[] = [];
  let pos = 0;
  for (;;) {
    const nl = text.indexOf(0x0a, pos);
    if (nl < 0) break;
    const line = text.subarray(pos, nl).toString('utf8');
    const tab = line.lastIndexOf('\t');
    if (tab < 0 || check(line.slice(0, tab)) !== line.slice(tab + 1)) break;
    try {
      records.push(JSON.parse(line.slice(0, tab)) as JournalRecord);
    } catch {
      break;
    }
    pos = nl + 1;
  }
  return { records, validLength: pos };
}

export class Journal {
  private constructor(
    readonly file: string,
    private handle: fs.FileHandle,
    readonly records: JournalRecord[],
  ) {}

  /** Opens (creating) the journal, cutting off a torn tail so new records start on a clean line. */
  static async open(file: string): Promise<Journal> {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const handle = await fs.open(file, 'a+', 0o600);
    try {
      const text = await handle.readFile();
      const { records, validLength } = decodeJournal(text);
      if (validLength < text.length) await handle.truncate(validLength);
      return new Journal(file, handle, records);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  static async read(file: string): Promise<JournalRecord[]> {
    const text = await fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return Buffer.alloc(0);
      throw err;
    });
    return decodeJournal(text).records;
  }

  /** Appends records in one write and syncs them (so a record, once written, also survives a power cut). */
  async append(...records: JournalRecord[]): Promise<void> {
    await this.handle.appendFile(records.map(encodeRecord).join(''));
    await this.handle.datasync();
    this.records.push(...records);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

export interface DiskJournalState {
  /** The last completed run: the parent of the next one (none once a run found its snapshot gone: `parent-gone`). */
  readonly lastCompleted?: Extract<JournalRecord, { t: 'complete' }>;
  /** A run started and neither completed nor marked inconsistent: resumable when the source is unchanged. */
  readonly open?: { start: Extract<JournalRecord, { t: 'start' }>; snapshotId?: string; done: Set<number> };
}

/** Folds the journal's records into what matters for one disk. */
export function diskState(records: readonly JournalRecord[], disk: string): DiskJournalState {
  let lastCompleted: Extract<JournalRecord, { t: 'complete' }> | undefined;
  let open: { start: Extract<JournalRecord, { t: 'start' }>; snapshotId?: string; done: Set<number> } | undefined;
  for (const r of records) {
    if (!('disk' in r) || r.disk !== disk) continue;
    if (r.t === 'start') open = { start: r, done: new Set() };
    else if (!open || r.run !== open.start.run) continue;
    else if (r.t === 'snapshot') open.snapshotId = r.snapshotId;
    else if (r.t === 'blocks') for (const i of r.idx) open.done.add(i);
    else if (r.t === 'complete') {
      lastCompleted = r;
      open = undefined;
    } else if (r.t === 'inconsistent') {
      // The open run's parent (the last completed run's snapshot) is gone: that run is no longer a parent.
      if (r.code === 'parent-gone') lastCompleted = undefined;
      open = undefined;
    }
  }
  return { ...(lastCompleted ? { lastCompleted } : {}), ...(open ? { open } : {}) };
}

/** Size and mtime of every file of the image's chain (the image, then its backing files): what a resume compares. */
export async function fingerprint(image: DiskImage): Promise<SourceFingerprint> {
  const out: SourceFingerprint = [];
  for (let l: DiskImage | undefined = image; l; l = l.backing) {
    const s = await fs.stat(l.path);
    out.push({ path: path.resolve(l.path), size: s.size, mtimeMs: s.mtimeMs });
  }
  return out;
}

export function sameFingerprint(a: SourceFingerprint, b: SourceFingerprint): boolean {
  return a.length === b.length && a.every((x, i) => x.path === b[i]!.path && x.size === b[i]!.size && x.mtimeMs === b[i]!.mtimeMs);
}

export interface S3DiskJournalState {
  readonly lastCompleted?: Extract<JournalRecord, { t: 's3-complete' }>;
  /** An upload started and neither completed nor given up: resumable when the source is unchanged. */
  readonly open?: { start: Extract<JournalRecord, { t: 's3-start' }>; uploadId?: string; parts: Map<number, string> };
}

/** Folds the S3 journal's records into what matters for one disk. */
export function s3DiskState(records: readonly JournalRecord[], disk: string): S3DiskJournalState {
  let lastCompleted: Extract<JournalRecord, { t: 's3-complete' }> | undefined;
  let open: { start: Extract<JournalRecord, { t: 's3-start' }>; uploadId?: string; parts: Map<number, string> } | undefined;
  for (const r of records) {
    if (!('disk' in r) || r.disk !== disk) continue;
    if (r.t === 's3-start') open = { start: r, parts: new Map() };
    else if (!open || r.run !== open.start.run) continue;
    else if (r.t === 's3-upload') open.uploadId = r.uploadId;
    else if (r.t === 's3-part') open.parts.set(r.n, r.etag);
    else if (r.t === 's3-complete') {
      lastCompleted = r;
      open = undefined;
    } else if (r.t === 'inconsistent') open = undefined;
  }
  return { ...(lastCompleted ? { lastCompleted } : {}), ...(open ? { open } : {}) };
}
