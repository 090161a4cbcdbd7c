import type { RunNotice } from '../../../main/common/dashboard/run-notice';

/** The part of the browser's Notification API the notifier uses (injected: tests pass a stand-in). */
export interface WebNotificationApi {
  readonly permission: 'default' | 'granted' | 'denied';
  requestPermission(): Promise<'default' | 'granted' | 'denied'>;
  new (title: string, options?: { body?: string; tag?: string }): unknown;
}

export interface WebNotifier {
  /** 'unsupported' where the browser has no Notification API. */
  state(): 'unsupported' | 'default' | 'granted' | 'denied';
  /** Asks the browser for permission (call from a click: browsers ignore requests without one). */
  requestPermission(): Promise<'unsupported' | 'default' | 'granted' | 'denied'>;
  /** Shows `n` as a desktop notification, asking permission on first use; otherwise calls `fallback` (the in-app notice). */
  notify(n: RunNotice): Promise<'desktop' | 'in-app'>;
}

/** Desktop notifications in the browser shell through the Web Notification API, with the in-app notice as fallback. */
export function createWebNotifier(api: WebNotificationApi | undefined, fallback: (n: RunNotice) => void): WebNotifier {
  let asked = false;
  const state = () => (api ? api.permission : 'unsupported');
  const request = async () => {
    if (!api) return 'unsupported' as const;
    asked = true;
    try {
      return await api.requestPermission();
    } catch {
      return api.permission;
    }
  };
  return {
    state,
    requestPermission: request,
    async notify(n) {
      let p = state();
      if (p === 'default' && !asked) p = await request();
      if (api && p === 'granted') {
        try {
          new api(n.title, { body: n.body, tag: 'mwb-replication' });
          return 'desktop';
        } catch {
          // Some browsers allow notifications only from a service worker: the in-app notice stands in.
        }
      }
      fallback(n);
      return 'in-app';
    },
  };
}

/** The browser's Notification API, where it exists. */
export function browserNotificationApi(): WebNotificationApi | undefined {
  return typeof window !== 'undefined' && 'Notification' in window ? (window.Notification as unknown as WebNotificationApi) : undefined;
}
