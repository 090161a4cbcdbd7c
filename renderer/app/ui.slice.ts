import type { SliceCreator } from '../store/types';

export const AREAS = ['inventory', 'assessment', 'applications', 'verify', 'replication', 'dashboard', 'export'] as const;
export type Area = (typeof AREAS)[number];

export interface Notice {
  id: number;
  level: 'info' | 'success' | 'warning' | 'error';
  message: string;
}

export type DialogState =
  | null
  | { kind: 'open' }
  | { kind: 'save-as'; then?: 'close' }
  | { kind: 'conflict'; path: string; message: string }
  | { kind: 'properties' };

export interface UiSlice {
  area: Area;
  dialog: DialogState;
  notices: Notice[];
  areaSelected(area: Area): void;
  dialogOpened(dialog: Exclude<DialogState, null>): void;
  dialogClosed(): void;
  noticeShown(level: Notice['level'], message: string): void;
  noticeDismissed(id: number): void;
}

let nextNotice = 1;

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  area: 'inventory',
  dialog: null,
  notices: [],
  areaSelected: (area) => set({ area }),
  dialogOpened: (dialog) => set({ dialog }),
  dialogClosed: () => set({ dialog: null }),
  noticeShown: (level, message) => {
    const id = nextNotice++;
    set((s) => ({ notices: [...s.notices.slice(-4), { id, level, message }] }));
    if (level === 'info' || level === 'success') setTimeout(() => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })), 4000);
  },
  noticeDismissed: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
