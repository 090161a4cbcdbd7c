import { describe, expect, it } from 'vitest';
import { DisposableStore } from '../../../../main/platform/disposables';
import { EventHub } from '../../../../main/platform/events';

describe('DisposableStore', () => {
  it('disposes last added first, once, and keeps going after a failure', async () => {
    const store = new DisposableStore();
    const order: string[] = [];
    store.add(() => void order.push('first'));
    store.add({ dispose: () => Promise.reject(new Error('broken')) });
    store.add(async () => void order.push('last'));
    await expect(store.dispose()).rejects.toThrow('broken');
    expect(order).toEqual(['last', 'first']);
    await expect(store.dispose()).rejects.toThrow('broken');
    expect(order).toEqual(['last', 'first']);
    expect(store.size).toBe(0);
  });

  it('disposes at once what is added after it was disposed', async () => {
    const store = new DisposableStore();
    await store.dispose();
    let disposed = false;
    await new Promise<void>((resolve) =>
      store.add(() => {
        disposed = true;
        resolve();
      }),
    );
    expect(disposed).toBe(true);
  });
});

describe('EventHub', () => {
  it('delivers one event with its typed payload, and every event to a forwarder', () => {
    const hub = new EventHub();
    const titles: string[] = [];
    const all: string[] = [];
    const off = hub.subscribe('project.changed', (meta) => titles.push(meta.fileName));
    const offAll = hub.subscribe((event, payload) => all.push(event === 'app.notice' ? payload.message : event));
    hub.emit('app.notice', { level: 'info', message: 'hello' });
    hub.emit('app.menu', { command: 'save' });
    expect(hub.listenerCount()).toBe(2);
    off();
    off();
    offAll();
    hub.emit('app.notice', { level: 'info', message: 'after' });
    expect(titles).toEqual([]);
    expect(all).toEqual(['hello', 'app.menu']);
    expect(hub.listenerCount()).toBe(0);
  });

  it('lets a listener unsubscribe itself while the event is delivered', () => {
    const hub = new EventHub();
    const seen: number[] = [];
    const off = hub.subscribe('app.menu', () => {
      seen.push(1);
      off();
    });
    hub.subscribe('app.menu', () => seen.push(2));
    hub.emit('app.menu', { command: 'undo' });
    hub.emit('app.menu', { command: 'undo' });
    expect(seen).toEqual([1, 2, 2]);
  });
});
