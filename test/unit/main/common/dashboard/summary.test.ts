// The Dashboard's figures from the project (history) and live job states.
import { describe, expect, it } from 'vitest';
import { ThroughputRing, dashboardSummary, type LiveJobState } from '../../../../../main/common/dashboard/summary';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import type { ReplicationRunSummary } from '../../../../../main/common/model/replication';
import { docWithServers } from '../../../../helpers/plan-fixtures';

const GiB = 2 ** 30;
const run = (at: string, status: ReplicationRunSummary['status'], sent: number, amiId?: string): ReplicationRunSummary => ({
  at,
  status,
  snapshots: [{ disk: 'Hard disk 1', snapshotId: 'snap-1', status, bytesTotal: 50 * GiB, bytesSent: sent, seconds: 10 }],
  ...(amiId ? { amiId } : {}),
});

function doc(): ProjectDocument {
  const d = docWithServers(6);
  d.planning.waves = [
    { id: 'w1', name: 'Wave 1', description: '' },
    { id: 'w2', name: 'Wave 2', description: '' },
  ];
  const app = (id: string, waveId: string | undefined, serverIds: string[]) => ({ id, name: id, description: '', ...(waveId ? { waveId } : {}), tags: {}, replication: { frequency: 'one-time' as const, amisToKeep: 3, licenseType: 'Auto' as const, encrypted: true }, groups: [{ id: `${id}-g`, name: 'All', serverIds }] });
  d.planning.applications = [app('done', 'w1', ['s1', 's2']), app('mixed', 'w1', ['s3']), app('broken', 'w2', ['s4']), app('idle', undefined, ['s5'])];
  d.replication = {
    servers: [
      { serverId: 's1', disks: [{ disk: 'Hard disk 1', image: '/x' }], transport: 'ebs', lastRun: run('2026-11-02T00:00:00Z', 'completed', 5 * GiB, 'ami-1'), runs: [run('2026-11-01T00:00:00Z', 'completed', 30 * GiB, 'ami-0'), run('2026-11-02T00:00:00Z', 'completed', 5 * GiB, 'ami-1')] },
      { serverId: 's2', disks: [{ disk: 'Hard disk 1', image: '/x' }], transport: 'ebs', lastRun: run('2026-11-01T12:00:00Z', 'completed', 20 * GiB) },
      { serverId: 's3', disks: [{ disk: 'Hard disk 1', image: '/x' }], transport: 'ebs' },
      { serverId: 's4', disks: [{ disk: 'Hard disk 1', image: '/x' }], transport: 'ebs', lastRun: { ...run('2026-11-03T00:00:00Z', 'failed', 0), message: 'throttled' } },
    ],
  };
  return d;
}

const counts = <T extends { count: number }>(xs: (T & { label: string })[]) => Object.fromEntries(xs.map((x) => [x.label, x.count]));

describe('dashboardSummary', () => {
  it('counts applications by status and servers by stage from the recorded runs', () => {
    const s = dashboardSummary(doc());
    expect(counts(s.applications)).toEqual({ 'Not started': 2, 'In progress': 0, Completed: 1, Error: 1 });
    expect(counts(s.stages)).toEqual({ 'Not started': 1, 'Disks mapped': 1, Replicating: 0, Replicated: 1, 'AMI ready': 1, Error: 1 });
    expect(s.servers).toBe(5);
  });

  it('live job states override the history while jobs run', () => {
    const live = new Map<string, LiveJobState>([['s3', { state: 'running' }], ['s4', { state: 'completed', amiId: 'ami-9' }]]);
    const s = dashboardSummary(doc(), live);
    expect(counts(s.applications)).toEqual({ 'Not started': 1, 'In progress': 1, Completed: 2, Error: 0 });
    expect(counts(s.stages)).toMatchObject({ Replicating: 1, 'AMI ready': 2, Error: 0 });
  });

  it('waves show their servers done, replicating, in error and not started; applications without a wave are listed last', () => {
    const s = dashboardSummary(doc(), new Map([['s3', { state: 'running' }]]));
    expect(s.waves).toEqual([
      { id: 'w1', name: 'Wave 1', servers: 3, done: 2, replicating: 1, error: 0, notStarted: 0 },
      { id: 'w2', name: 'Wave 2', servers: 1, done: 0, replicating: 0, error: 1, notStarted: 0 },
      { id: '', name: 'No wave', servers: 1, done: 0, replicating: 0, error: 0, notStarted: 1 },
    ]);
  });

  it('lists every run newest first with bytes sent against disk size and the AMI', () => {
    const s = dashboardSummary(doc());
    expect(s.runs.map((r) => [r.serverName, r.at, r.status, r.amiId, r.bytesSent! / GiB, r.bytesTotal! / GiB])).toEqual([
      ['S4', '2026-11-03T00:00:00Z', 'failed', null, 0, 50],
      ['S1', '2026-11-02T00:00:00Z', 'completed', 'ami-1', 5, 50],
      ['S2', '2026-11-01T12:00:00Z', 'completed', null, 20, 50],
      ['S1', '2026-11-01T00:00:00Z', 'completed', 'ami-0', 30, 50],
    ]);
    expect(s.runs[0]!.message).toBe('throttled');
  });

  it('says how each run travelled: its own record, else the server\'s for its last run, else nothing', () => {
    const d = doc();
    const s1 = d.replication!.servers[0]!;
    d.replication!.servers[0] = { ...s1, transport: 's3', lastRun: { ...s1.lastRun!, transport: 's3' }, runs: [s1.runs![0]!, { ...s1.runs![1]!, transport: 's3' }] };
    const s = dashboardSummary(d);
    expect(s.runs.map((r) => [r.serverName, r.at, r.transport])).toEqual([
      ['S4', '2026-11-03T00:00:00Z', 'ebs'],
      ['S1', '2026-11-02T00:00:00Z', 's3'],
      ['S2', '2026-11-01T12:00:00Z', 'ebs'],
      ['S1', '2026-11-01T00:00:00Z', null],
    ]);
  });

  it('an empty project gives zeros, not errors', () => {
    const s = dashboardSummary(docWithServers(0));
    expect(s.servers).toBe(0);
    expect(s.runs).toEqual([]);
    expect(s.waves).toEqual([]);
  });
});

describe('ThroughputRing', () => {
  it('keeps the newest samples only, oldest first; samples in one second merge', () => {
    const r = new ThroughputRing(3);
    for (let i = 0; i < 10; i++) r.push(i * 1000, i);
    expect(r.toArray()).toEqual([{ t: 7000, bytesPerSecond: 7 }, { t: 8000, bytesPerSecond: 8 }, { t: 9000, bytesPerSecond: 9 }]);
    r.push(9500, 42);
    expect(r.size).toBe(3);
    expect(r.toArray().at(-1)).toEqual({ t: 9000, bytesPerSecond: 42 });
    expect(() => new ThroughputRing(0)).toThrow(RangeError);
  });
});
