// Helpers for tests of the main-process code: a private data folder and an app context without Electron.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activeModelDir } from '../model/model-paths.ts';
import { openMemoryDatabase } from './db/database.ts';
import type { AppContext } from './services/app-context.ts';
import { createAppContext } from './services/app-context.ts';
import type { GradingService } from './services/grading-service.ts';
import { ImageStore } from './services/image-store.ts';

export function tempDir(prefix = 'eyenet-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testContext(dataDir: string) {
  return createAppContext({ dataDir, modelDir: activeModelDir(), appVersion: '0.0.0-test' });
}

/**
 * An app context on a private in-memory database with no grading workers, for handler tests that never grade.
 * `grading` stands in for the service: pass the few fields a test reads.
 */
export function memoryContext(grading: Partial<Record<keyof GradingService, unknown>> = {}): AppContext {
  return {
    db: openMemoryDatabase(),
    store: new ImageStore('/nonexistent'),
    grading: {
      model: null,
      backend: null,
      referableThreshold: null,
      error: 'not started in this test',
      ...grading,
    } as unknown as GradingService,
    dataDir: '/x',
    appVersion: 't',
  };
}
