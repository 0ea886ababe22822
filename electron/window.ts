import { BrowserWindow, app, session, shell, type WebContents } from 'electron';

export interface WindowPaths {
  preload: string;
  indexHtml: string;
}

/** Stops any navigation away from the app and any new window; links to the web open in the system browser. */
function lockDown(contents: WebContents, indexUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== indexUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function hardenSession(): void {
  // The app needs no camera, microphone, geolocation or notifications: deny every permission request.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
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
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  lockDown(window.webContents, indexUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadFile(paths.indexHtml);
  return window;
}
