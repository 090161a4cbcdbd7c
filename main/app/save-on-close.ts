import type { BrowserWindow } from 'electron';
import type { ProjectMeta } from '../common/ipc/channels/project.channels';

/** What closing needs of the project store (a subset of ProjectStore). */
export interface ClosingProject {
  meta(): Pick<ProjectMeta, 'dirty' | 'fileName' | 'path'>;
  save(): Promise<unknown>;
  saveAs(file: string, opts: { force: boolean }): Promise<unknown>;
}

/** The native dialogs closing uses (Electron's `dialog` in the app, fakes in tests). */
export interface CloseDialogs {
  /** Save / Don't Save / Cancel: returns 0, 1 or 2. */
  askSave(fileName: string): number;
  /** The save-as path, or undefined when the user cancels. */
  pickSavePath(): Promise<string | undefined>;
  showError(title: string, message: string): void;
}

export const SAVE_CHOICE = { save: 0, discard: 1, cancel: 2 } as const;

type ClosableWindow = Pick<BrowserWindow, 'on' | 'off' | 'destroy' | 'isDestroyed'>;

/**
 * Closing with unsaved changes asks first (the autosave recovery copy exists, but people expect the question):
 * Save saves (asking for a path for a project never saved) and then closes, Don't Save closes, Cancel, a cancelled
 * save-as and a failed save keep the window open. Returns the function that removes the handler.
 */
export function confirmSaveOnClose(win: ClosableWindow, project: ClosingProject, dialogs: CloseDialogs): () => void {
  const onClose = (event: { preventDefault(): void }) => {
    const meta = project.meta();
    if (!meta.dirty) return;
    const choice = dialogs.askSave(meta.fileName);
    if (choice === SAVE_CHOICE.discard) return;
    event.preventDefault();
    if (choice !== SAVE_CHOICE.save) return;
    const saved: Promise<boolean> = meta.path
      ? project.save().then(() => true)
      : dialogs.pickSavePath().then((file) => (file ? project.saveAs(file, { force: true }).then(() => true) : false));
    void saved.then(
      (closeNow) => {
        if (closeNow && !win.isDestroyed()) win.destroy();
      },
      (err: unknown) => dialogs.showError('Save failed', err instanceof Error ? err.message : String(err)),
    );
  };
  win.on('close', onClose);
  return () => void win.off('close', onClose);
}
