import type { SliceCreator } from '../store/types';

export const AREAS = ['inventory', 'assessment', 'applications', 'waves', 'verify', 'replication', 'dashboard', 'export', 'dependencies'] as const;
export type Area = (typeof AREAS)[number];

export interface Notice {
  id: number;
  level: 'info' | 'success' | 'warning' | 'error';
  message: string;
  /** What the notice is about: a newer notice on the same topic replaces it (a passed re-check removes the old error). */
  topic: string;
  /** The screen it belongs to (it goes when the user leaves it), or null for the whole app (project files, main). */
  area: Area | null;
}

export interface NoticeOptions {
  /** Defaults to the screen shown, so a newer result on a screen supersedes the older one. */
  topic?: string;
  /** Kept across screens (project open/save, messages from main). */
  global?: boolean;
}

export type DialogState =
  | null
  | { kind: 'open' }
  | { kind: 'save-as'; then?: 'close' }
  | { kind: 'conflict'; path: string; message: string }
  | { kind: 'properties' }
  /** Asked before New, Demo or Open replace a project with unsaved changes. */
  | { kind: 'unsaved'; then: 'new' | 'demo' | 'open' };

export interface UiSlice {
  area: Area;
  dialog: DialogState;
  notices: Notice[];
  areaSelected(area: Area): void;
  dialogOpened(dialog: Exclude<DialogState, null>): void;
  dialogClosed(): void;
  noticeShown(level: Notice['level'], message: string, options?: NoticeOptions): void;
  noticeDismissed(id: number): void;
}

let nextNotice = 1;

/** Notices shown at once, newest last; older ones drop off. */
const MAX_NOTICES = 3;
const NOTICE_MS = 4000;

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  area: 'inventory',
  dialog: null,
  notices: [],
  // A screen's notices stay with that screen: they do not follow the user elsewhere.
  areaSelected: (area) => set((s) => (area === s.area ? { area } : { area, notices: s.notices.filter((n) => n.area === null) })),
  dialogOpened: (dialog) => set({ dialog }),
  dialogClosed: () => set({ dialog: null }),
  noticeShown: (level, message, options) => {
    const id = nextNotice++;
    const area = options?.global ? null : get().area;
    const topic = options?.topic ?? `screen:${area ?? 'app'}`;
    set((s) => ({ notices: [...s.notices.filter((n) => n.topic !== topic).slice(-(MAX_NOTICES - 1)), { id, level, message, topic, area }] }));
    // Good news goes by itself after a few seconds the user could see it: not while a modal dialog covers it.
    // Once the dialog has gone, the user gets the full time to read it.
    const covered = () => !!get().dialog || (typeof document !== 'undefined' && !!document.querySelector('[aria-modal="true"]'));
    const expire = (wasCovered: boolean) => {
      if (covered()) setTimeout(() => expire(true), 500);
      else if (wasCovered) setTimeout(() => expire(false), NOTICE_MS);
      else set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
    };
    if (level === 'info' || level === 'success') setTimeout(() => expire(false), NOTICE_MS);
  },
  noticeDismissed: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
