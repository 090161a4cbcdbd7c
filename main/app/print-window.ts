import { BrowserWindow } from 'electron';
import type { PrintableContents } from './electron-pdf';

/**
 * A hidden window for printing one page (the assessment report), with the main window's security settings: the
 * same sandboxed preload, so the page reads the open project over the same typed IPC. Destroyed after the print.
 */
export function openPrintWindow(preload: string): PrintableContents {
  const win = new BrowserWindow({
    show: false,
    width: 1200,
    height: 1600,
    webPreferences: {
      // Reviewed: the sandboxed preload exposes only the typed `workbench` API (preload/api.ts).
      preload, /* eng-disable PRELOAD_JS_CHECK */
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
  return {
    loadURL: (url) => win.loadURL(url),
    executeJavaScript: (code) => win.webContents.executeJavaScript(code),
    printToPDF: (options) => win.webContents.printToPDF(options),
    close: () => {
      if (!win.isDestroyed()) win.destroy();
    },
  };
}
