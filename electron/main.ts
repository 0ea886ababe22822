// Electron entry: wiring only. Everything it calls is plain Node code tested without Electron.
import { BrowserWindow, app, dialog, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDispatch } from '../app/api/dispatch.ts';
import { handlers } from '../app/api/handlers/index.ts';
import { createAppContext } from '../app/services/app-context.ts';
import { startupFailureMessage } from '../app/services/startup-failure.ts';
import { startOutbox } from '../app/pacs/pacs-outbox.ts';
import { errorMessage } from '../domain/errors.ts';
import { activeModelDir } from '../app/services/paths.ts';
import { IPC_INVOKE } from './ipc-channel.ts';
import { createMainWindow, hardenSession } from './window.ts';
import {
  clearChoice,
  clinicServerArgs,
  pinnedVerdict,
  readChoice,
  saveChoice,
  verifyChoice,
} from '../app/clinic-server/workstation-choice.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { APP_ORIGIN, isAppUrl } from '../app/external-links.ts';

const bundleDir = path.dirname(fileURLToPath(import.meta.url));
const appRoot = app.getAppPath();
// Packaged: models sit outside the asar archive (extraResources); in development: the repository's resources/.
const resourcesDir = app.isPackaged ? process.resourcesPath : path.join(appRoot, 'resources');

const rendererDir = path.join(appRoot, 'dist', 'renderer');
const indexUrl = `${APP_ORIGIN}/index.html`;
registerAppScheme();

if (!app.requestSingleInstanceLock()) app.quit();

/**
 * A workstation of a clinic server: its pages, from the server, over HTTPS with the one certificate checked;
 * no record of its own, no bridge to this process. Returns false when this workstation keeps its own record.
 */
async function useClinicServer(): Promise<boolean> {
  const userData = app.getPath('userData');
  const args = clinicServerArgs(process.argv);
  if (args.ownRecord) clearChoice(userData);
  if (args.choice) {
    await verifyChoice(args.choice); // checked now, against what the person was told the server prints
    saveChoice(userData, args.choice);
  }
  const choice = readChoice(userData);
  if (!choice) return false;
  session.defaultSession.setCertificateVerifyProc((request, callback) =>
    callback(pinnedVerdict(choice, request)),
  );
  createMainWindow({ preload: null }, choice.url);
  return true;
}

app.whenReady().then(
  async () => {
    hardenSession();
    try {
      if (await useClinicServer()) return;
    } catch (error) {
      dialog.showErrorBox('EyeNet cannot use the clinic server', errorMessage(error));
      app.exit(1);
      return;
    }
    serveRenderer(rendererDir);
    let ctx: ReturnType<typeof createAppContext>;
    try {
      ctx = createAppContext({
        dataDir: app.getPath('userData'),
        modelDir: activeModelDir(resourcesDir),
        appVersion: app.getVersion(),
        // Settings → Clinic server saves its choice here; useClinicServer() reads it at the next start.
        clinicServerChoiceDir: app.getPath('userData'),
        // Electron loads worker_threads scripts from inside the asar archive (supported since Electron 18).
        workerScript: path.join(bundleDir, 'grading-worker.mjs'),
        fineTuneWorkerScript: path.join(bundleDir, 'fine-tune-worker.mjs'),
        // Reports are written by the app under its data folder; only those paths are ever opened.
        async openFile(file) {
          const failure = await shell.openPath(file);
          if (failure) throw new Error(`The system could not open the report: ${failure}`);
        },
      });
    } catch (error) {
      // Said in a dialog, then quit: never a process without a window holding the single-instance lock.
      dialog.showErrorBox('EyeNet cannot start', startupFailureMessage(error, app.getPath('userData')));
      app.exit(1);
      return;
    }
    const dispatch = createDispatch(handlers, ctx);
    ipcMain.handle(IPC_INVOKE, (event, channel: unknown, input: unknown) => {
      // Only our own page may call in; a frame that navigated elsewhere gets nothing.
      if (!isAppUrl(event.senderFrame?.url)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'Not the EyeNet window.' } };
      }
      // The window is named by its web contents: the page can never claim to be another window's sign-in.
      return dispatch(channel, input, { clientId: `ipc:${event.sender.id}` });
    });
    // The Content-Security-Policy comes with every response of the app's scheme (electron/protocol.ts).
    createMainWindow({ preload: path.join(bundleDir, 'preload.cjs') }, indexUrl);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) {
        createMainWindow({ preload: path.join(bundleDir, 'preload.cjs') }, indexUrl);
      }
    });
    const stopOutbox = startOutbox(ctx);
    app.on('will-quit', () => {
      stopOutbox();
      void ctx.close();
    });
  },
  (error: unknown) => {
    console.error(error);
    app.exit(1);
  },
);

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
