import type { ReplicationJobEvent } from '../ipc/events';

export interface RunNotice {
  title: string;
  body: string;
  level: 'success' | 'error' | 'warning';
}

/**
 * What the desktop notification (Electron's, or the browser's Notification API) says when a replication run
 * finishes; null for the states that are not an end (queued, running, paused) or that the user chose (cancelled).
 */
export function runNotice(e: Pick<ReplicationJobEvent, 'state' | 'amiId' | 'message'>, serverName: string): RunNotice | null {
  const why = e.message ? `: ${e.message.slice(0, 200)}` : '';
  switch (e.state) {
    case 'completed':
      return { title: 'Replication completed', body: `${serverName} replicated${e.amiId ? `; AMI ${e.amiId}` : ''}.`, level: 'success' };
    case 'failed':
      return { title: 'Replication failed', body: `${serverName} failed${why || '.'}`, level: 'error' };
    case 'inconsistent':
      return { title: 'Replication not consistent', body: `${serverName}: the source changed while it was read; run it again${why ? ` (${e.message!.slice(0, 200)})` : ''}.`, level: 'warning' };
    default:
      return null;
  }
}
