import { randomUUID } from 'node:crypto';
import type { EventSink } from '../platform/events';
import type { TaskProgress } from '../common/ipc/events';

export interface TaskHandle {
  readonly id: string;
  readonly signal: AbortSignal;
  progress(done: number, total: number | null, message?: string): void;
}

/**
 * Long work (imports, hashing, exports) runs as a task: cancellable through `tasks.cancel`,
 * reporting progress as `task.progress` events, throttled so a fast loop cannot flood the UI.
 */
export class TaskService {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly events: EventSink) {}

  async run<T>(label: string, unit: TaskProgress['unit'], work: (task: TaskHandle) => Promise<T>, taskId: string = randomUUID()): Promise<T> {
    const controller = new AbortController();
    this.running.set(taskId, controller);
    let lastEmit = 0;
    let lastMessage: string | undefined;
    const emit = (p: Omit<TaskProgress, 'taskId' | 'label' | 'unit'>) => this.events.emit('task.progress', { taskId, label, unit, ...p });
    const handle: TaskHandle = {
      id: taskId,
      signal: controller.signal,
      progress: (done, total, message) => {
        const now = Date.now();
        // Throttle repeats of one stage; a new stage (message) always shows, however fast the work runs.
        if (now - lastEmit < 50 && done !== total && message === lastMessage) return;
        lastEmit = now;
        lastMessage = message;
        emit({ done, total, state: 'running', ...(message ? { message } : {}) });
      },
    };
    emit({ done: 0, total: null, state: 'running' });
    try {
      const result = await work(handle);
      emit({ done: 1, total: 1, state: 'done' });
      return result;
    } catch (err) {
      emit({ done: 0, total: null, state: controller.signal.aborted ? 'cancelled' : 'failed', message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      this.running.delete(taskId);
    }
  }

  /** How many tasks are running now. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Shutting down: cancels every running task (each ends as `cancelled`). */
  dispose(): void {
    for (const c of this.running.values()) c.abort();
  }

  cancel(taskId: string): boolean {
    const c = this.running.get(taskId);
    if (!c) return false;
    c.abort();
    return true;
  }
}
