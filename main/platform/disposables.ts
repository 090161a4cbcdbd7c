/** Something that holds a resource (a listener, a registration, a timer, a server) until it is disposed. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export type DisposableLike = Disposable | (() => void | Promise<void>);

/**
 * What a composition root owns (IPC registration, event forwarding, the task service, the services, a server):
 * disposed together, last added first, exactly once. A failure in one does not stop the others; the first error
 * is rethrown after all ran. Adding to a disposed store disposes the newcomer at once, so nothing leaks in a race
 * with shutdown.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposing: Promise<void> | null = null;

  get isDisposed(): boolean {
    return this.disposing !== null;
  }

  get size(): number {
    return this.items.length;
  }

  add<T extends DisposableLike>(item: T): T {
    const d: Disposable = typeof item === 'function' ? { dispose: item } : item;
    if (this.disposing) void Promise.resolve().then(() => d.dispose()).catch(() => undefined);
    else this.items.push(d);
    return item;
  }

  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      let first: unknown;
      let failed = false;
      while (this.items.length) {
        const d = this.items.pop()!;
        try {
          await d.dispose();
        } catch (err) {
          if (!failed) first = err;
          failed = true;
        }
      }
      if (failed) throw first;
    })();
    return this.disposing;
  }
}
