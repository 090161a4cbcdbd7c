import { app, BrowserWindow, Menu, dialog } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServices } from './services/container';
import { createHandlers } from './ipc/handlers';
import { registerIpc } from './ipc/handle';
import { forwardEvents } from './ipc/push';
import { hardenApp } from './app/security';
import { createMainWindow } from './app/window';
import { pickFiles } from './app/dialogs';
import { ElectronSettingsStore } from './app/electron-settings';
import { buildMenu } from './app/menu';
import { consoleLogger } from './platform/logger';
import { packageRoot } from './platform/paths';

/** Composition root of the desktop app. Nothing imports this file. */
const root = packageRoot();
const rendererDir = path.join(root, 'out', 'renderer');
const appOrigin = pathToFileURL(rendererDir).href;

app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

void app.whenReady().then(async () => {
  hardenApp(appOrigin);
  const logger = consoleLogger('mwb-main');
  const services = createServices({ shell: 'electron', settings: new ElectronSettingsStore(), logger, dataDir: app.getPath('userData') });
  let win: BrowserWindow | null = null;
  const handlers = createHandlers(services, { pickFiles: (o) => (win ? pickFiles(win, o) : Promise.resolve([])) });
  registerIpc(handlers, logger, appOrigin);
  forwardEvents(services.events, () => win?.webContents ?? null);
  await services.project.openDemo();
  win = createMainWindow({ preload: path.join(root, 'out', 'preload', 'index.cjs'), indexHtml: path.join(rendererDir, 'index.html'), settings: services.settings });
  Menu.setApplicationMenu(buildMenu((command) => services.events.emit('app.menu', { command })));
  services.events.subscribe((event, payload) => {
    if (event === 'project.changed' && win) {
      const meta = payload as { fileName: string; dirty: boolean };
      win.setTitle(`${meta.dirty ? '● ' : ''}${meta.fileName} — Migration Workbench`);
      win.setDocumentEdited(meta.dirty);
    }
  });
  // Closing with unsaved changes asks first (the autosave recovery copy exists, but people expect the question).
  win.on('close', (event) => {
    const meta = services.project.meta();
    if (!meta.dirty) return;
    const choice = dialog.showMessageBoxSync(win!, {
      type: 'warning',
      buttons: ['Save', "Don't Save", 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      message: `Save changes to ${meta.fileName}?`,
      detail: 'Your changes will be lost if you do not save them.',
    });
    if (choice === 2) return event.preventDefault();
    if (choice === 0) {
      event.preventDefault();
      const done = meta.path ? services.project.save() : pickFiles(win!, { mode: 'save', title: 'Save project as', suffixes: ['.mwb.json'] }).then((p) => (p[0] ? services.project.saveAs(p[0], { force: true }) : Promise.reject(new Error('cancelled'))));
      void done.then(() => win?.destroy(), (err: unknown) => dialog.showErrorBox('Save failed', err instanceof Error ? err.message : String(err)));
    }
  });
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.on('window-all-closed', () => {
    services.dispose();
    app.quit();
  });
});
