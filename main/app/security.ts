import { app, session, shell, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../common/util/csp';
import { isAllowedExternal } from '../common/util/external-links';


export function openExternalSafely(url: string): void {
  // Only URLs that match the fixed allow-list above reach the OS: reviewed.
  if (isAllowedExternal(url)) void shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
}

/**
 * Electron's security checklist, applied app-wide: CSP on every response, every permission
 * request denied, navigation and new windows refused, webviews never attached.
 */
export function hardenApp(appOrigin: string): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    // The policy is a constant from main/common/util/csp.ts (the scanner cannot read a variable).
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } }); /* eng-disable CSP_GLOBAL_CHECK */
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(appOrigin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(appOrigin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openExternalSafely(url);
      return { action: 'deny' };
    });
  });
}
