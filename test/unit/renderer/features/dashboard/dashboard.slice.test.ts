// The Dashboard slice against a fake workbench bridge that pushes replication events as main does: the live jobs,
// the bounded throughput ring, and what a finished run tells the user (browser shell: no Notification API here, so
// the in-app notice; Electron: main shows the desktop notification and the window the notice).
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../../../../main/common/ipc/events';
import type { ReplicationJobEvent } from '../../../../../main/common/ipc/events';
import { WorkbenchError, serializeError } from '../../../../../main/common/model/errors';
import { docWithServers } from '../../../../helpers/plan-fixtures';

const listeners = new Map<string, ((p: unknown) => void)[]>();
const invoked: { channel: string; args: unknown }[] = [];
const bridge = {
  shell: 'browser' as 'browser' | 'electron',
  async invoke(channel: string, args: unknown) {
    invoked.push({ channel, args });
    if (channel === 'mgn.latest') return { ok: true, value: null };
    if (channel === 'mgn.readFiles') return { ok: false, error: serializeError(new WorkbenchError('file-not-json', 'x.json is not JSON.')) };
    return { ok: false, error: serializeError(new WorkbenchError('not-found', channel)) };
  },
  on(event: string, l: (p: unknown) => void) {
    listeners.set(event, [...(listeners.get(event) ?? []), l]);
    return () => undefined;
  },
  pathForFile: async (f: { name: string }) => `/uploads/${f.name}`,
};
(globalThis as unknown as { window: unknown }).window = { workbench: bridge };
const push = <E extends EventName>(e: E, p: EventPayload<E>) => (listeners.get(e) ?? []).forEach((l) => l(p));

const { useWorkbench } = await import('../../../../../renderer/store');
const { THROUGHPUT_SAMPLES } = await import('../../../../../renderer/features/dashboard/dashboard.slice');

const at = (s: number) => new Date(Date.UTC(2026, 10, 20, 10, 0, 0) + s * 1000).toISOString();
const job = (state: ReplicationJobEvent['state'], s: number, extra: Partial<ReplicationJobEvent> = {}): ReplicationJobEvent => ({ jobId: 'j1', serverId: 's1', state, at: at(s), ...extra });
const progress = (s: number, disk: string, rate: number) => ({ jobId: 'j1', serverId: 's1', disk, stage: 'sending' as const, bytesRead: s, bytesTotal: 100, blocksChanged: 0, bytesSent: 0, rate, etaSeconds: null, at: at(s) });

beforeEach(() => {
  useWorkbench.setState({ document: docWithServers(2), notices: [], liveJobs: {}, liveDisks: {} });
});

describe('dashboard slice', () => {
  it('subscribes once; progress of two disks sums into the throughput ring, which stays bounded', () => {
    useWorkbench.getState().dashboardEventsSubscribed();
    useWorkbench.getState().dashboardEventsSubscribed();
    expect(listeners.get('replication.progress')).toHaveLength(1);
    expect(invoked.filter((c) => c.channel === 'mgn.latest')).toHaveLength(1);
    push('replication.job', job('running', 0));
    push('replication.progress', progress(1, 'Hard disk 1', 100));
    push('replication.progress', progress(2, 'Hard disk 2', 50));
    const tp = useWorkbench.getState().throughput;
    expect(tp.slice(-2).map((p) => p.bytesPerSecond)).toEqual([100, 150]);
    for (let s = 3; s < THROUGHPUT_SAMPLES + 50; s++) push('replication.progress', progress(s, 'Hard disk 1', s));
    expect(useWorkbench.getState().throughput).toHaveLength(THROUGHPUT_SAMPLES);
    expect(useWorkbench.getState().liveJobs['j1']).toMatchObject({ state: 'running', serverId: 's1' });
  });

  it('a finished run drops its disks from the throughput and tells the user in an in-app notice (no Notification API here)', () => {
    push('replication.job', job('running', 1000));
    push('replication.progress', progress(1001, 'Hard disk 1', 80));
    push('replication.job', job('failed', 1002, { message: 'ThrottlingException' }));
    expect(useWorkbench.getState().throughput.at(-1)).toMatchObject({ bytesPerSecond: 0 });
    expect(useWorkbench.getState().liveJobs['j1']!.state).toBe('failed');
    return Promise.resolve().then(() => {
      expect(useWorkbench.getState().notices.map((n) => [n.level, n.message])).toEqual([['error', 'Replication failed: S1 failed: ThrottlingException']]);
      // Queued, running, paused and cancelled say nothing.
      push('replication.job', job('cancelled', 1003));
      expect(useWorkbench.getState().notices).toHaveLength(1);
    });
  });

  it('an unreadable MGN file shows its error and keeps the status read before', async () => {
    useWorkbench.setState({ mgnStatus: null });
    await useWorkbench.getState().mgnFilesChosen([{ name: 'x.json', size: 3 }]);
    expect(invoked.at(-1)).toEqual({ channel: 'mgn.readFiles', args: { paths: ['/uploads/x.json'] } });
    expect(useWorkbench.getState()).toMatchObject({ mgnBusy: false, mgnError: 'x.json is not JSON.', mgnStatus: null });
  });
});
