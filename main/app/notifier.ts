import type { DesktopNotifier } from '../platform/notifier';

/** The part of Electron's `Notification` class the notifier uses (injected: tests pass a stand-in). */
export interface NotificationClass {
  new (options: { title: string; body: string; silent?: boolean }): { show(): void };
  isSupported(): boolean;
}

/** Desktop notifications through Electron's `Notification` (main process). */
export function electronNotifier(Notification: NotificationClass): DesktopNotifier {
  return {
    isSupported: () => Notification.isSupported(),
    notify: ({ title, body }) => new Notification({ title, body }).show(),
  };
}
