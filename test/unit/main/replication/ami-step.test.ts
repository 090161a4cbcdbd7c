// The AMI step folded from the journal: which step is pending (started, not ended, no disk run after it) and the
// completed runs it belongs to, rebuilt for the run's record.
import { describe, expect, it } from 'vitest';
import { completedRunResults, pendingAmiStep } from '../../../../main/replication/ami/step';
import type { JournalRecord } from '../../../../main/replication/engine/journal';

const at = '2026-11-29T10:00:00.000Z';
const later = '2026-11-29T10:00:30.000Z';
const run: JournalRecord[] = [
  { t: 'start', run: 'r1', disk: 'd0', image: '/img/d0.raw', fingerprint: [], parentSnapshotId: 'snap-parent', parentManifest: 'm0', at },
  { t: 'snapshot', run: 'r1', disk: 'd0', snapshotId: 'snap-1' },
  { t: 'blocks', run: 'r1', disk: 'd0', idx: [0, 2, 4] },
  { t: 'blocks', run: 'r1', disk: 'd0', idx: [4, 6] }, // 4 again: re-sent after a kill, counted once
  { t: 'complete', run: 'r1', disk: 'd0', snapshotId: 'snap-1', manifest: 'm1', changed: 4, blocksTotal: 8, at: later },
];
const start: JournalRecord = { t: 'ami-start', ami: 'r1', mode: 'import', runs: [{ disk: 'd0', run: 'r1' }], sources: [{ kind: 'snapshot', disk: 'd0', snapshotId: 'snap-1' }], name: 'mwb web01', at: later };

describe('the AMI step in the journal', () => {
  it('is pending from ami-start until ami-end, with the task and image journaled on the way', () => {
    expect(pendingAmiStep(run)).toBeUndefined();
    expect(pendingAmiStep([...run, start])).toEqual({ start });
    const task: JournalRecord = { t: 'ami-task', ami: 'r1', importTaskId: 'import-ami-1' };
    const image: JournalRecord = { t: 'ami-image', ami: 'r1', amiId: 'ami-0123456789abcdef0' };
    expect(pendingAmiStep([...run, start, task, image])).toEqual({ start, importTaskId: 'import-ami-1', amiId: 'ami-0123456789abcdef0' });
    for (const outcome of ['completed', 'failed', 'abandoned'] as const) expect(pendingAmiStep([...run, start, task, { t: 'ami-end', ami: 'r1', outcome, at }])).toBeUndefined();
    // Records of another step do not touch it; a disk run started after it makes it stale.
    expect(pendingAmiStep([...run, start, { t: 'ami-task', ami: 'other', importTaskId: 'import-ami-9' }])).toEqual({ start });
    expect(pendingAmiStep([...run, start, { ...(run[0] as Extract<JournalRecord, { t: 'start' }>), run: 'r2' }])).toBeUndefined();
  });

  it('rebuilds the completed runs it belongs to (blocks sent by every invocation, counted once), or nothing when one is missing', () => {
    const step = pendingAmiStep([...run, start])!;
    expect(completedRunResults([...run, start], step)).toEqual([
      { disk: 'd0', image: '/img/d0.raw', status: 'completed', run: 'r1', snapshotId: 'snap-1', parentSnapshotId: 'snap-parent', blocksTotal: 8, blocksChanged: 4, blocksSent: 4, bytesSent: 4 * 512 * 1024, resumed: true, seconds: 30 },
    ]);
    expect(completedRunResults([run[0]!, start], step)).toBeUndefined();
  });

  it('rebuilds an S3 run with its staging object', () => {
    const s3: JournalRecord[] = [
      { t: 's3-start', run: 'r1', disk: 'd0', image: '/img/d0.raw', fingerprint: [], bucket: 'b1', key: 'k1', partSize: 16 * 2 ** 20, at },
      { t: 's3-complete', run: 'r1', disk: 'd0', bucket: 'b1', key: 'k1', size: 3 * 512 * 1024, at: later },
      { ...start, sources: [{ kind: 's3', disk: 'd0', bucket: 'b1', key: 'k1', format: 'raw' }] } as JournalRecord,
    ];
    expect(completedRunResults(s3, pendingAmiStep(s3)!)).toEqual([
      { disk: 'd0', image: '/img/d0.raw', status: 'completed', run: 'r1', snapshotId: null, parentSnapshotId: null, blocksTotal: 3, blocksChanged: 3, blocksSent: 3, bytesSent: 3 * 512 * 1024, resumed: true, seconds: 30, object: { bucket: 'b1', key: 'k1', size: 3 * 512 * 1024 } },
    ]);
  });
});
