import type { EventHub, Unsubscribe } from './events';
import { runNotice } from '../common/dashboard/run-notice';

/** A desktop notification service of the platform (Electron's `Notification` in the desktop app). */
export interface DesktopNotifier {
  /** False where the OS has no notification service (then nothing is shown). */
  isSupported(): boolean;
  notify(n: { title: string; body: string }): void;
}

/**
 * Shows a desktop notification when a replication run completes, fails or is inconsistent (`replication.job`).
 * `serverName` turns the event's server id into the name the user knows.
 */
export function notifyReplicationRuns(hub: EventHub, notifier: DesktopNotifier, serverName: (serverId: string) => string | undefined): Unsubscribe {
  return hub.subscribe('replication.job', (e) => {
    const n = runNotice(e, serverName(e.serverId) ?? e.serverId);
    if (!n || !notifier.isSupported()) return;
    try {
      notifier.notify({ title: n.title, body: n.body });
    } catch {
      // A notification service that fails (no D-Bus session, a denied permission) must not stop the run's events.
    }
  });
}
