import { BrowserWindow, app, session, shell, type WebContents } from 'electron';
import { isAllowedExternalUrl, isAppUrl } from '../app/external-links.ts';

export interface WindowPaths {
  /** The bridge to the main process; null for a clinic server's pages, which talk to their server over HTTPS. */
  preload: string | null;
}

/**
 * Stops any navigation away from the app and any new window; only allow-listed https pages (clinical
 * references) open, in the system browser.
 */
function lockDown(contents: WebContents, home: string): void {
  const homeOrigin = new URL(home).origin;
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url) && !url.startsWith(`${homeOrigin}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function hardenSession(): void {
  // The app needs no camera, microphone, geolocation, notifications, USB, serial or HID device: deny them all.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export function createMainWindow(paths: WindowPaths, indexUrl: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    title: 'EyeNet',
    show: false,
    webPreferences: {
      ...(paths.preload ? { preload: paths.preload } : {}),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
      // No DevTools in an installed app: a patient's record is not to be read or changed from a console.
      devTools: !app.isPackaged,
    },
  });
  lockDown(window.webContents, indexUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(indexUrl);
  return window;
}
