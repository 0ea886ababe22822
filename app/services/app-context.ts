import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type Database } from '../db/database.ts';
import { GradingService } from './grading-service.ts';
import { ImageStore } from './image-store.ts';

/** Everything a handler may use. Built once per process by the entry point (Electron main or `serve`). */
export interface AppContext {
  readonly db: Database;
  readonly store: ImageStore;
  readonly grading: GradingService;
  readonly dataDir: string;
  readonly appVersion: string;
}

export interface AppContextOptions {
  dataDir: string;
  modelDir: string;
  appVersion: string;
  /** Bundled worker entry for packaged builds; defaults to the TypeScript source. */
  workerScript?: string;
}

export function createAppContext(options: AppContextOptions): AppContext & { close(): Promise<void> } {
  mkdirSync(options.dataDir, { recursive: true });
  const db = openDatabase(path.join(options.dataDir, 'eyenet.sqlite'));
  const store = new ImageStore(path.join(options.dataDir, 'images'));
  const grading = new GradingService({
    modelDir: options.modelDir,
    // One grading worker: a clinic grades a photograph at a time, and each worker holds a model in memory.
    size: 1,
    ...(options.workerScript ? { workerScript: options.workerScript } : {}),
  });
  return {
    db,
    store,
    grading,
    dataDir: options.dataDir,
    appVersion: options.appVersion,
    async close() {
      await grading.close();
      db.close();
    },
  };
}
