// Browser-shell notifications through the Web Notification API (a stand-in with its shape): permission asked on
// first use, the in-app notice when it is refused, missing or throws.
import { describe, expect, it } from 'vitest';
import { createWebNotifier, type WebNotificationApi } from '../../../../../renderer/features/dashboard/web-notifier';
import type { RunNotice } from '../../../../../main/common/dashboard/run-notice';

function api(answer: 'granted' | 'denied' | 'default', opts: { throws?: boolean } = {}) {
  const shown: string[] = [];
  let asked = 0;
  const A = class {
    static permission: 'default' | 'granted' | 'denied' = 'default';
    static async requestPermission() {
      asked++;
      A.permission = answer;
      return answer;
    }
    constructor(title: string, o?: { body?: string }) {
      if (opts.throws) throw new TypeError('Illegal constructor');
      shown.push(`${title} | ${o?.body ?? ''}`);
    }
  } satisfies WebNotificationApi;
  return { A, shown, asked: () => asked };
}

const n: RunNotice = { title: 'Replication completed', body: 'WEB01 replicated.', level: 'success' };

describe('createWebNotifier', () => {
  it('asks permission on first use, then shows desktop notifications without asking again', async () => {
    const { A, shown, asked } = api('granted');
    const fallback: RunNotice[] = [];
    const w = createWebNotifier(A, (x) => fallback.push(x));
    expect(w.state()).toBe('default');
    expect(await w.notify(n)).toBe('desktop');
    expect(await w.notify(n)).toBe('desktop');
    expect(asked()).toBe(1);
    expect(shown).toEqual(['Replication completed | WEB01 replicated.', 'Replication completed | WEB01 replicated.']);
    expect(fallback).toEqual([]);
  });

  it('falls back to the in-app notice when refused, missing, or when the constructor throws', async () => {
    for (const [a, expected] of [[api('denied').A, 'denied'], [undefined, 'unsupported'], [api('granted', { throws: true }).A, 'granted']] as const) {
      const fallback: RunNotice[] = [];
      const w = createWebNotifier(a, (x) => fallback.push(x));
      expect(await w.notify(n)).toBe('in-app');
      expect(fallback).toEqual([n]);
      expect(w.state()).toBe(expected);
    }
  });

  it('a refusal is not asked again on every run', async () => {
    const { A, asked } = api('default');
    const w = createWebNotifier(A, () => undefined);
    await w.notify(n);
    await w.notify(n);
    expect(asked()).toBe(1);
  });
});
