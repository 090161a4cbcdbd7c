import { describe, expect, it } from 'vitest';
import type { ProjectMeta } from '../../../../main/common/ipc/channels/project.channels';
import { EventHub } from '../../../../main/platform/events';
import { syncWindowTitle, windowTitle } from '../../../../main/app/window-title';
import { confirmSaveOnClose, SAVE_CHOICE, type ClosingProject, type CloseDialogs } from '../../../../main/app/save-on-close';

/** The few BrowserWindow methods these modules use, recorded. */
function fakeWindow() {
  const handlers = new Map<string, (event: { preventDefault(): void }) => void>();
  const win = {
    title: '',
    edited: false,
    destroyed: false,
    setTitle: (t: string) => void (win.title = t),
    setDocumentEdited: (e: boolean) => void (win.edited = e),
    isDestroyed: () => win.destroyed,
    destroy: () => void (win.destroyed = true),
    on: (name: string, h: (event: { preventDefault(): void }) => void) => (handlers.set(name, h), win),
    off: (name: string) => (handlers.delete(name), win),
    /** Closes as the user would; true when the close went ahead (not prevented). */
    close(): boolean {
      let prevented = false;
      handlers.get('close')?.({ preventDefault: () => void (prevented = true) });
      return !prevented;
    },
    handlers,
  };
  return win;
}

const meta: ProjectMeta = { path: null, name: 'Estate', fileName: 'Estate.mwb.json', dirty: true, revision: 1, canUndo: true, canRedo: false, isDemo: false, lastSavedAt: null, autosavedAt: null, migratedFrom: null };

describe('window title', () => {
  it('follows project.changed and shows unsaved changes', () => {
    const hub = new EventHub();
    const win = fakeWindow();
    const off = syncWindowTitle(win as never, hub);
    hub.emit('project.changed', meta);
    expect(win.title).toBe('● Estate.mwb.json — Migration Workbench');
    expect(win.edited).toBe(true);
    off();
    expect(hub.listenerCount()).toBe(0);
    expect(windowTitle({ fileName: 'a.mwb.json', dirty: false })).toBe('a.mwb.json — Migration Workbench');
  });
});

describe('save on close', () => {
  function setup(choice: number, opts: { path?: string | null; pick?: string; saveFails?: boolean } = {}) {
    const win = fakeWindow();
    const saved: string[] = [];
    const errors: string[] = [];
    const project: ClosingProject = {
      meta: () => ({ ...meta, path: opts.path ?? null }),
      save: async () => {
        if (opts.saveFails) throw new Error('disk full');
        saved.push('save');
      },
      saveAs: async (file) => void saved.push(`saveAs ${file}`),
    };
    const dialogs: CloseDialogs = { askSave: () => choice, pickSavePath: async () => opts.pick, showError: (_t, m) => void errors.push(m) };
    const off = confirmSaveOnClose(win as never, project, dialogs);
    return { win, saved, errors, off };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it("Don't Save closes, Cancel keeps the window", () => {
    expect(setup(SAVE_CHOICE.discard).win.close()).toBe(true);
    expect(setup(SAVE_CHOICE.cancel).win.close()).toBe(false);
  });

  it('Save saves, then closes; a new project asks for a path, and a cancelled path keeps the window', async () => {
    const known = setup(SAVE_CHOICE.save, { path: '/tmp/estate.mwb.json' });
    expect(known.win.close()).toBe(false);
    await settle();
    expect(known.saved).toEqual(['save']);
    expect(known.win.destroyed).toBe(true);

    const fresh = setup(SAVE_CHOICE.save, { pick: '/tmp/new.mwb.json' });
    fresh.win.close();
    await settle();
    expect(fresh.saved).toEqual(['saveAs /tmp/new.mwb.json']);
    expect(fresh.win.destroyed).toBe(true);

    const cancelled = setup(SAVE_CHOICE.save);
    cancelled.win.close();
    await settle();
    expect(cancelled.saved).toEqual([]);
    expect(cancelled.errors).toEqual([]);
    expect(cancelled.win.destroyed).toBe(false);
  });

  it('a failed save says why and keeps the window; the handler can be removed', async () => {
    const failing = setup(SAVE_CHOICE.save, { path: '/tmp/estate.mwb.json', saveFails: true });
    failing.win.close();
    await settle();
    expect(failing.errors).toEqual(['disk full']);
    expect(failing.win.destroyed).toBe(false);
    failing.off();
    expect(failing.win.handlers.size).toBe(0);
  });
});
