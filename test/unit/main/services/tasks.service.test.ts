import { describe, expect, it } from 'vitest';
import { TaskService } from '../../../../main/services/tasks.service';
import type { TaskProgress } from '../../../../main/common/ipc/events';

function recorder() {
  const seen: TaskProgress[] = [];
  const tasks = new TaskService({ emit: (event: string, payload: unknown) => event === 'task.progress' && seen.push(payload as TaskProgress) } as never);
  return { tasks, seen };
}

describe('TaskService progress', () => {
  it('shows every new stage however fast the work runs, and throttles repeats of one stage', async () => {
    const { tasks, seen } = recorder();
    await tasks.run('Import', 'rows', async (t) => {
      for (let i = 1; i <= 1000; i++) t.progress(i, 2000, 'Reading a.xlsx: sheet vInfo');
      t.progress(1, 2, 'Reading a.xlsx: sheet vDisk');
      t.progress(1, 10, 'Joining a.xlsx');
    });
    const messages = seen.filter((p) => p.state === 'running' && p.message).map((p) => p.message);
    expect(messages).toContain('Reading a.xlsx: sheet vDisk');
    expect(messages).toContain('Joining a.xlsx');
    // 1,000 calls of one stage inside a few milliseconds are not 1,000 events.
    expect(messages.filter((m) => m === 'Reading a.xlsx: sheet vInfo').length).toBeLessThan(10);
    expect(seen.at(-1)?.state).toBe('done');
  });

  it('reports a cancel as cancelled, not failed', async () => {
    const { tasks, seen } = recorder();
    const run = tasks.run('Hash', 'bytes', (t) => new Promise((_, reject) => t.signal.addEventListener('abort', () => reject(new Error('stopped')))), 'x');
    expect(tasks.cancel('x')).toBe(true);
    await expect(run).rejects.toThrow('stopped');
    expect(seen.at(-1)?.state).toBe('cancelled');
    expect(tasks.cancel('x')).toBe(false);
  });
});
