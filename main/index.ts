import { app, BrowserWindow, Menu, Notification, dialog, safeStorage } from 'electron';
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
import { syncWindowTitle } from './app/window-title';
import { confirmSaveOnClose } from './app/save-on-close';
import { electronNotifier } from './app/notifier';
import { notifyReplicationRuns } from './platform/notifier';
import { DisposableStore } from './platform/disposables';
import { consoleLogger } from './platform/logger';
import { packageRoot } from './platform/paths';
import { SafeStorageSecretStore } from './platform/secret-store';
import { ElectronPdfEngine, electronAssessmentPrinter } from './app/electron-pdf';
import { openPrintWindow } from './app/print-window';

/** Composition root of the desktop app. Nothing imports this file. */
const root = packageRoot();
const rendererDir = path.join(root, 'out', 'renderer');
const appOrigin = pathToFileURL(rendererDir).href;

// The AWS SDK's notice that its releases after January 2027 need Node 22 is not for the consultant (the AMI step and
// the staging objects make clients in this process); the CLI, the browser shell and the replication worker set the same.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

void app.whenReady().then(async () => {
  hardenApp(appOrigin);
  const logger = consoleLogger('mwb-main');
  // Everything this root registers is disposed together, last first, when the last window closes.
  const owned = new DisposableStore();
  const dataDir = app.getPath('userData');
  // Saved connection passwords: encrypted with the OS keychain's key, kept in the app's data folder.
  const secrets = new SafeStorageSecretStore(safeStorage, path.join(dataDir, 'connection-secrets.json'));
  const preload = path.join(root, 'out', 'preload', 'index.cjs');
  // The hand-off bundle's PDF report: the app's own report page printed by webContents.printToPDF in a hidden window.
  const assessmentPdf = electronAssessmentPrinter(new ElectronPdfEngine(() => openPrintWindow(preload)), {
    pageUrl: pathToFileURL(path.join(rendererDir, 'index.html')).href,
    openProject: () => services.project.document,
  });
  const services = createServices({ shell: 'electron', settings: new ElectronSettingsStore(), logger, dataDir, secrets, assessmentPdf });
  owned.add(() => services.dispose());
  owned.add(services.tasks);
  services.replicationJobs.enableSchedules();
  let win: BrowserWindow | null = null;
  const handlers = createHandlers(services, { pickFiles: (o) => (win ? pickFiles(win, o) : Promise.resolve([])) });
  owned.add(registerIpc(handlers, logger, appOrigin));
  owned.add(forwardEvents(services.events, () => win?.webContents ?? null));
  owned.add(notifyReplicationRuns(services.events, electronNotifier(Notification), (id) => services.project.document.inventory.servers.find((s) => s.id === id)?.name));
  await services.project.openDemo();
  const window = createMainWindow({ preload, indexHtml: path.join(rendererDir, 'index.html'), settings: services.settings });
  win = window;
  Menu.setApplicationMenu(buildMenu((command) => services.events.emit('app.menu', { command })));
  owned.add(syncWindowTitle(window, services.events));
  owned.add(
    confirmSaveOnClose(window, services.project, {
      askSave: (fileName) =>
        dialog.showMessageBoxSync(window, {
          type: 'warning',
          buttons: ['Save', "Don't Save", 'Cancel'],
          defaultId: 0,
          cancelId: 2,
          message: `Save changes to ${fileName}?`,
          detail: 'Your changes will be lost if you do not save them.',
        }),
      pickSavePath: () => pickFiles(window, { mode: 'save', title: 'Save project as', suffixes: ['.mwb.json'] }).then((p) => p[0]),
      showError: (title, message) => dialog.showErrorBox(title, message),
    }),
  );
  window.on('closed', () => {
    win = null;
  });
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.on('window-all-closed', () => {
    void owned.dispose().then(
      () => app.quit(),
      (err: unknown) => {
        logger.error('shutdown failed', { error: String(err) });
        app.quit();
      },
    );
  });
});
