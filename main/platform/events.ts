import type { EventName, EventPayload } from '../common/ipc/events';

/** Where services publish push events; each shell forwards them to its renderer(s). */
export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/** One push event as `(name, payload)`: a union over the events, so checking the name narrows the payload. */
export type AnyEventArgs = { [E in EventName]: [event: E, payload: EventPayload<E>] }[EventName];
export type AnyEventListener = (...args: AnyEventArgs) => void;
export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;

/** Removes the listener it was returned for; calling it again does nothing. */
export type Unsubscribe = () => void;

export class EventHub implements EventSink {
  private readonly all = new Set<AnyEventListener>();
  private readonly byName = new Map<EventName, Set<(payload: never) => void>>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of [...(this.byName.get(event) ?? [])]) (l as EventListener<E>)(payload);
    for (const l of [...this.all]) (l as (event: E, payload: EventPayload<E>) => void)(event, payload);
  }

  /** One event, its payload typed: `hub.subscribe('project.changed', (meta) => …)`. */
  subscribe<E extends EventName>(event: E, listener: EventListener<E>): Unsubscribe;
  /** Every event (transports that forward them all): the listener narrows the payload by the name. */
  subscribe(listener: AnyEventListener): Unsubscribe;
  subscribe<E extends EventName>(eventOrListener: E | AnyEventListener, listener?: EventListener<E>): Unsubscribe {
    if (typeof eventOrListener === 'function') {
      const l = eventOrListener;
      this.all.add(l);
      return () => void this.all.delete(l);
    }
    if (!listener) throw new TypeError('EventHub.subscribe(event, listener): the listener is missing.');
    const set = this.byName.get(eventOrListener) ?? new Set();
    this.byName.set(eventOrListener, set);
    const l = listener as (payload: never) => void;
    set.add(l);
    return () => {
      set.delete(l);
      if (set.size === 0 && this.byName.get(eventOrListener) === set) this.byName.delete(eventOrListener);
    };
  }

  /** How many listeners are subscribed (all events and per event): a closed shell leaves none. */
  listenerCount(): number {
    let n = this.all.size;
    for (const set of this.byName.values()) n += set.size;
    return n;
  }
}
