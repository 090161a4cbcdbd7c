import type { BrowserWindow } from 'electron';
import type { EventHub, Unsubscribe } from '../platform/events';
import type { ProjectMeta } from '../common/ipc/channels/project.channels';

/** The window title for a project: a dot while there are unsaved changes (as the renderer's title bar shows). */
export function windowTitle(meta: Pick<ProjectMeta, 'fileName' | 'dirty'>): string {
  return `${meta.dirty ? '● ' : ''}${meta.fileName} — Migration Workbench`;
}

/** Keeps the window's title and macOS "edited" dot in step with the project; returns the unsubscribe. */
export function syncWindowTitle(win: Pick<BrowserWindow, 'setTitle' | 'setDocumentEdited' | 'isDestroyed'>, events: EventHub): Unsubscribe {
  return events.subscribe('project.changed', (meta) => {
    if (win.isDestroyed()) return;
    win.setTitle(windowTitle(meta));
    win.setDocumentEdited(meta.dirty);
  });
}
