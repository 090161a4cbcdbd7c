import { describe, expect, it } from 'vitest';
import http from 'node:http';
import { createHook } from 'node:async_hooks';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { serve } from '../../../../main/cli/serve.command';
import { createNodeServices } from '../../../../main/shell/node-runtime';
import { silentLogger } from '../../../../main/platform/logger';
import { tempDir } from '../../../helpers/temp-dir';

/** Listening servers and sockets (getActiveResourcesInfo lists only ref'd timers, so timers are tracked below). */
function resources(): { servers: number; sockets: number } {
  const info = process.getActiveResourcesInfo();
  return { servers: info.filter((r) => r === 'TCPServerWrap').length, sockets: info.filter((r) => r === 'TCPSocketWrap').length };
}

/**
 * Every timer the workbench's own code (main/) created while tracking, ref'd or not (the autosave timer is
 * unref'd) with setTimeout/setInterval, that is still pending. Node's own caches (the HTTP Date header timer) are
 * not ours to clear.
 */
function trackTimers() {
  const pending = new Set<number>();
  const ours = `${path.sep}main${path.sep}`;
  const hook = createHook({
    init(id, type) {
      if (type !== 'Timeout') return;
      // The frame that called setTimeout/setInterval, when that is our code.
      const frames = new Error().stack?.split('\n') ?? [];
      const call = frames.findIndex((f) => /at (setTimeout|setInterval) \(node:timers/.test(f));
      if (call >= 0 && frames[call + 1]?.includes(ours)) pending.add(id);
    },
    destroy(id) {
      pending.delete(id);
    },
  }).enable();
  // Destroy hooks run asynchronously after clearTimeout: let one turn of the event loop pass before counting.
  const settled = () => new Promise((resolve) => setImmediate(resolve)).then(() => new Promise((resolve) => setImmediate(resolve)));
  return { pending: () => pending.size, settled, stop: () => void hook.disable() };
}

/** Opens the SSE stream with node:http (no pooled client and no client timers) and resolves once it is connected. */
function openEvents(port: number, token: string): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/api/events', agent: false, headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` } }, (res) => {
      const closed = new Promise<void>((done) => res.on('close', () => done()));
      res.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes(': connected')) resolve({ closed });
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end();
  });
}

function invoke(port: number, token: string, channel: string, args: unknown): Promise<{ ok: boolean }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(args);
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: `/api/invoke/${channel}`, agent: false, headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text) as { ok: boolean }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('composition roots leave nothing behind', () => {
  it('leaves no listener, timer, server or running task after close', async () => {
    const dataDir = await tempDir();
    try {
      const before = resources();
      const timers = trackTimers();
      const shell = await serve({ port: 0, dataDir });
      const url = new URL(shell.url);
      const port = Number(url.port);
      const token = new URLSearchParams(url.hash.slice(1)).get('token')!;

      // Use it as a browser would: an open event stream (a ping timer), an edit (an autosave timer) and a
      // long task still running at close.
      const stream = await openEvents(port, token);
      const edited = await invoke(port, token, 'project.edit', { edit: { type: 'project.setMeta', notes: 'leak check' } });
      expect(edited.ok).toBe(true);
      let taskEnded: 'cancelled' | 'finished' | undefined;
      const task = shell.services.tasks
        .run('waits for cancel', 'items', (t) => new Promise<void>((_, reject) => t.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true })))
        .then(
          () => (taskEnded = 'finished'),
          () => (taskEnded = 'cancelled'),
        );

      const open = resources();
      expect(open.servers).toBeGreaterThan(before.servers);
      expect(timers.pending()).toBeGreaterThanOrEqual(2);
      expect(shell.services.events.listenerCount()).toBeGreaterThan(0);
      expect(shell.services.tasks.runningCount).toBe(1);

      await shell.close();
      await stream.closed;
      await task;

      expect(taskEnded).toBe('cancelled');
      expect(shell.services.tasks.runningCount).toBe(0);
      expect(shell.services.events.listenerCount()).toBe(0);
      await timers.settled();
      expect(timers.pending()).toBe(0);
      timers.stop();
      expect(resources()).toEqual(before);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("a CLI command's services: dispose cancels the running task and clears the autosave timer", async () => {
    const dataDir = await tempDir();
    try {
      const timers = trackTimers();
      const services = createNodeServices({ shell: 'browser', dataDir, logger: silentLogger });
      await services.project.openDemo();
      services.project.edit({ type: 'project.setMeta', notes: 'leak check' });
      const task = services.tasks.run('waits for cancel', 'items', (t) => new Promise<void>((_, reject) => t.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true })));
      expect(timers.pending()).toBeGreaterThanOrEqual(1);
      // dispose() resolves once the store is closed (tasks cancelled, settings written, services disposed); before,
      // the test counted timers while the settings were still being written, and the autosave timer was not yet cleared.
      const closed = services.dispose();
      await expect(task).rejects.toThrow('cancelled');
      await closed;
      await timers.settled();
      expect(services.tasks.runningCount).toBe(0);
      expect(timers.pending()).toBe(0);
      timers.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
