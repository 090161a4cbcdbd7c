import { EBS_BLOCK_SIZE } from '../disk-image/blocks';
import { Journal, type JournalRecord } from '../engine/journal';
import type { DiskRunResult } from '../engine/run-disk';

/**
 * The AMI step in the job's journal (no AWS SDK here: the service reads it before every run). `ami-start` is written
 * before ImportImage or RegisterImage is called, `ami-task` as soon as ImportImage names its task, `ami-image` once the
 * image exists, `ami-end` when the step is over (completed, failed for good, or abandoned). A step started and not
 * ended is *pending*: the next run of the server finishes it (polls the same task) instead of running its disks again.
 */
export type AmiStartRecord = Extract<JournalRecord, { t: 'ami-start' }>;

export interface PendingAmiStep {
  readonly start: AmiStartRecord;
  readonly importTaskId?: string;
  readonly amiId?: string;
}

/** The AMI step started and not ended, if the journal's last one is; a disk run started after it makes it stale. */
export function pendingAmiStep(records: readonly JournalRecord[]): PendingAmiStep | undefined {
  let p: { start: AmiStartRecord; importTaskId?: string; amiId?: string } | undefined;
  for (const r of records) {
    if (r.t === 'ami-start') p = { start: r };
    else if (r.t === 'start' || r.t === 's3-start') p = undefined;
    else if (!p || !('ami' in r) || r.ami !== p.start.ami) continue;
    else if (r.t === 'ami-task') p.importTaskId = r.importTaskId;
    else if (r.t === 'ami-image') p.amiId = r.amiId;
    else if (r.t === 'ami-end') p = undefined;
  }
  return p;
}

/** Reads a job's journal file (absent = empty). */
export function readJournal(file: string): Promise<JournalRecord[]> {
  return Journal.read(file);
}

/**
 * The disk results of the completed runs a pending AMI step belongs to, from the journal (blocks sent = the blocks
 * journaled as finished by those runs, across every invocation); undefined when one of the runs is not complete in it.
 */
export function completedRunResults(records: readonly JournalRecord[], step: PendingAmiStep): DiskRunResult[] | undefined {
  const out: DiskRunResult[] = [];
  for (const { disk, run } of step.start.runs) {
    const start = records.find((r): r is Extract<JournalRecord, { t: 'start' | 's3-start' }> => (r.t === 'start' || r.t === 's3-start') && r.run === run && r.disk === disk);
    const done = records.find((r): r is Extract<JournalRecord, { t: 'complete' | 's3-complete' }> => (r.t === 'complete' || r.t === 's3-complete') && r.run === run && r.disk === disk);
    if (!start || !done) return undefined;
    const seconds = Math.max(0, (Date.parse(done.at) - Date.parse(start.at)) / 1000) || 0;
    if (done.t === 'complete') {
      const sent = new Set<number>();
      for (const r of records) if (r.t === 'blocks' && r.run === run && r.disk === disk) for (const i of r.idx) sent.add(i);
      out.push({ disk, image: start.image, status: 'completed', run, snapshotId: done.snapshotId, parentSnapshotId: start.t === 'start' ? start.parentSnapshotId : null, blocksTotal: done.blocksTotal, blocksChanged: done.changed, blocksSent: sent.size, bytesSent: sent.size * EBS_BLOCK_SIZE, resumed: true, seconds });
    } else {
      const blocks = Math.ceil(done.size / EBS_BLOCK_SIZE);
      out.push({ disk, image: start.image, status: 'completed', run, snapshotId: null, parentSnapshotId: null, blocksTotal: blocks, blocksChanged: blocks, blocksSent: blocks, bytesSent: done.size, resumed: true, seconds, object: { bucket: done.bucket, key: done.key, size: done.size } });
    }
  }
  return out;
}
