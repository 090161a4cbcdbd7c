import type { WebContents } from 'electron';
import { EVENT_CHANNEL } from '../common/ipc/contract';
import type { EventHub } from '../platform/events';

/** The only user of webContents.send: forwards service events to the window. */
export function forwardEvents(hub: EventHub, target: () => WebContents | null): () => void {
  return hub.subscribe((event, payload) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, { event, payload });
  });
}
