import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openClinicDatabase, refuseEmptyRecordOverRecords } from '../db/open-clinic-database.ts';
import { finishInterruptedRestore } from '../backup/restore.ts';
import { BackupService } from '../backup/backup-service.ts';
import { AuditCheck } from '../audit/audit-check.ts';
import { lockDataFolder } from './data-lock.ts';
import { restrictToOwner } from './owner-only.ts';
import { sweepLeftovers } from './sweep-leftovers.ts';
import { Sessions } from '../auth/sessions.ts';
import { GradingService } from './grading-service.ts';
import { defaultPoolSize } from '../../model/index.ts';
import { ImageStore } from './image-store.ts';
import { FineTuneJobs } from '../learning/fine-tune-job.ts';
import { activeModelFolder } from '../learning/model-registry.ts';
import { WatchFolder, type WatchFolderOptions } from '../watch/watch-folder.ts';
import type { AppContext } from './app-context-type.ts';

export type { AppContext };

export interface AppContextOptions {
  dataDir: string;
  modelDir: string;
  appVersion: string;
  /** Bundled worker entry for packaged builds; defaults to the TypeScript source. */
  workerScript?: string;
  /** Bundled fine-tune worker entry for packaged builds; defaults to the TypeScript source. */
  fineTuneWorkerScript?: string;
  /** How the camera-export folder is watched (the folder itself is a site setting). */
  watch?: WatchFolderOptions;
  /** Opens a file with the system's viewer (Electron passes shell.openPath). */
  openFile?: (file: string) => Promise<void>;
  /** The desktop app's folder for its clinic-server choice (see AppContext). */
  clinicServerChoiceDir?: string;
  /** Grading threads; default one per core, at most 4 (a PACS grading worker runs one, to run beside others). */
  poolSize?: number;
}

export function createAppContext(options: AppContextOptions): AppContext & { close(): Promise<void> } {
  // Patients' records are for this user only: the folder 0700, the database (and so SQLite's WAL and shared-
  // memory files, which copy its mode) 0600, stored photographs and reports 0600.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  restrictToOwner(options.dataDir, 0o700);
  // The folder is ours before anything in it is read or changed (a second EyeNet, or a restore, is refused).
  const unlock = lockDataFolder(options.dataDir);
  const dbFile = path.join(options.dataDir, 'eyenet.sqlite');
  let opened: ReturnType<typeof openClinicDatabase>;
  try {
    const restored = finishInterruptedRestore(options.dataDir);
    if (restored) console.error(restored);
    refuseEmptyRecordOverRecords(options.dataDir);
    opened = openClinicDatabase(dbFile, options.dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
  const { db, readOnly } = opened;
  restrictToOwner(dbFile, 0o600);
  const store = new ImageStore(path.join(options.dataDir, 'images'));
  // What a crash left half-written: temporary photograph files, unfinished fine-tune candidates.
  sweepLeftovers(options.dataDir);
  const grading = new GradingService({
    // The latest promoted model, when one was (and its folder is still there); else the one shipped.
    modelDir: activeModelFolder(db, { bundledModelDir: options.modelDir, dataDir: options.dataDir }),
    // One worker per core (at most 4): ONNX Runtime runs one thread in each, so a batch import uses every core;
    // each worker holds its own session (tens of MB).
    size: options.poolSize ?? Math.min(4, defaultPoolSize()),
    ...(options.workerScript ? { workerScript: options.workerScript } : {}),
  });
  const base = {
    db,
    store,
    grading,
    dataDir: options.dataDir,
    appVersion: options.appVersion,
    sessions: new Sessions(),
    readOnly,
    modelDir: options.modelDir,
    ...(options.openFile ? { openFile: options.openFile } : {}),
    ...(options.clinicServerChoiceDir ? { clinicServerChoiceDir: options.clinicServerChoiceDir } : {}),
  };
  const watcher = new WatchFolder(base, options.watch);
  // A record opened read-only takes nothing new, from the camera folder either.
  if (!readOnly) watcher.start();
  const jobs = new FineTuneJobs(options.fineTuneWorkerScript);
  const backups = new BackupService(base);
  if (!readOnly) backups.startDaily();
  const auditCheck = new AuditCheck(db);
  return {
    ...base,
    watcher,
    jobs,
    backups,
    auditCheck,
    async close() {
      auditCheck.close();
      await backups.close();
      await jobs.close();
      await watcher.close();
      await grading.close();
      db.close();
      unlock();
    },
  };
}
