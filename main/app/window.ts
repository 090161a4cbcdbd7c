import { BrowserWindow, screen } from 'electron';
import path from 'node:path';
import type { SettingsStore } from '../platform/settings';

export function createMainWindow(opts: { preload: string; indexHtml: string; settings: SettingsStore }): BrowserWindow {
  const saved = opts.settings.get('window');
  const area = screen.getPrimaryDisplay().workAreaSize;
  const win = new BrowserWindow({
    width: saved?.width ?? Math.min(1440, area.width),
    height: saved?.height ?? Math.min(900, area.height),
    ...(saved?.x !== undefined && saved?.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Migration Workbench',
    backgroundColor: '#f5f6f8',
    webPreferences: {
      // Reviewed: the sandboxed preload exposes only the typed `workbench` API (preload/api.ts).
      preload: opts.preload, /* eng-disable PRELOAD_JS_CHECK */
      disableBlinkFeatures: 'Auxclick',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (saved?.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  const remember = () => {
    const b = win.getNormalBounds();
    opts.settings.set('window', { width: b.width, height: b.height, x: b.x, y: b.y, maximized: win.isMaximized() });
  };
  win.on('close', remember);
  void win.loadFile(path.resolve(opts.indexHtml));
  return win;
}
