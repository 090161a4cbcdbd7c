import { app, BrowserWindow, Menu } from 'electron';
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
  registerIpc(handlers, logger, (url) => url.startsWith(appOrigin));
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
  app.on('window-all-closed', () => {
    services.dispose();
    app.quit();
  });
});
