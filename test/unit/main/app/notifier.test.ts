// Desktop notifications when a replication run ends, through Electron's Notification class injected (the Electron
// binary cannot run here: a stand-in with the same constructor and isSupported() records what would be shown).
import { describe, expect, it } from 'vitest';
import { EventHub } from '../../../../main/platform/events';
import { notifyReplicationRuns } from '../../../../main/platform/notifier';
import { electronNotifier, type NotificationClass } from '../../../../main/app/notifier';
import type { ReplicationJobEvent } from '../../../../main/common/ipc/events';

function standIn(supported = true, failing = false) {
  const shown: { title: string; body: string }[] = [];
  const N = class {
    constructor(private readonly o: { title: string; body: string }) {}
    static isSupported() {
      return supported;
    }
    show() {
      if (failing) throw new Error('no notification daemon');
      shown.push({ title: this.o.title, body: this.o.body });
    }
  } satisfies NotificationClass;
  return { N, shown };
}

const job = (state: ReplicationJobEvent['state'], extra: Partial<ReplicationJobEvent> = {}): ReplicationJobEvent => ({ jobId: 'j1', serverId: 's1', state, at: '2026-11-20T10:00:00Z', ...extra });

describe('notifyReplicationRuns with Electron Notification', () => {
  it('notifies completed, failed and inconsistent runs by server name; not queued, running, paused or cancelled', () => {
    const hub = new EventHub();
    const { N, shown } = standIn();
    const off = notifyReplicationRuns(hub, electronNotifier(N), (id) => (id === 's1' ? 'FRA-WEB01' : undefined));
    for (const s of ['queued', 'running', 'paused', 'cancelled'] as const) hub.emit('replication.job', job(s));
    expect(shown).toEqual([]);
    hub.emit('replication.job', job('completed', { amiId: 'ami-0abc' }));
    hub.emit('replication.job', job('failed', { serverId: 'gone', message: 'ThrottlingException after 4 attempts' }));
    hub.emit('replication.job', job('inconsistent'));
    expect(shown).toEqual([
      { title: 'Replication completed', body: 'FRA-WEB01 replicated; AMI ami-0abc.' },
      { title: 'Replication failed', body: 'gone failed: ThrottlingException after 4 attempts' },
      { title: 'Replication not consistent', body: 'FRA-WEB01: the source changed while it was read; run it again.' },
    ]);
    off();
    hub.emit('replication.job', job('completed'));
    expect(shown).toHaveLength(3);
    expect(hub.listenerCount()).toBe(0);
  });

  it('shows nothing where the OS has no notifications, and a failing service does not break the event', () => {
    const hub = new EventHub();
    const none = standIn(false);
    notifyReplicationRuns(hub, electronNotifier(none.N), () => 'X');
    const broken = standIn(true, true);
    notifyReplicationRuns(hub, electronNotifier(broken.N), () => 'X');
    let after = 0;
    hub.subscribe('replication.job', () => after++);
    expect(() => hub.emit('replication.job', job('failed'))).not.toThrow();
    expect(none.shown).toEqual([]);
    expect(after).toBe(1);
  });
});
