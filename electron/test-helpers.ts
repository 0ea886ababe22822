// Helpers for tests of the main-process code: a private data folder and an app context without Electron.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activeModelDir } from '../model/model-paths.ts';
import { createAppContext } from './services/app-context.ts';

export function tempDir(prefix = 'eyenet-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testContext(dataDir: string) {
  return createAppContext({ dataDir, modelDir: activeModelDir(), appVersion: '0.0.0-test' });
}
