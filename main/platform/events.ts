import type { EventName, EventPayload } from '../common/ipc/events';

/** Where services publish push events; each shell forwards them to its renderer(s). */
export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

type AnyListener = (event: EventName, payload: unknown) => void;

export class EventHub implements EventSink {
  private readonly listeners = new Set<AnyListener>();
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) l(event, payload);
  }
  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
