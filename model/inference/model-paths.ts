import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file's place in model/inference/. (Packaged Electron builds pass paths instead.) */
export function projectRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * The development data beside the repository (`../shared/data`, read-only, never copied in): tests, the bench,
 * evaluation and the base-model tools read photographs from here.
 */
export function sharedDataDir(): string {
  return path.resolve(projectRoot(), '..', 'shared', 'data');
}

/** The model the app grades with: `resources/models/active.json` names its folder. */
export function activeModelDir(resourcesDir: string = path.join(projectRoot(), 'resources')): string {
  const pointer = JSON.parse(readFileSync(path.join(resourcesDir, 'models', 'active.json'), 'utf8')) as {
    model?: unknown;
  };
  if (typeof pointer.model !== 'string' || !/^[\w.-]+$/.test(pointer.model)) {
    throw new Error('resources/models/active.json must name a model folder: { "model": "<name>" }');
  }
  return path.join(resourcesDir, 'models', pointer.model);
}

function activeMetadata(): { name: string; version: string } {
  return JSON.parse(readFileSync(path.join(activeModelDir(), 'metadata.json'), 'utf8')) as {
    name: string;
    version: string;
  };
}

/** Name of the active model, from its metadata (for tests and messages). */
export function activeModelName(): string {
  return activeMetadata().name;
}

/** Version of the active model, from its metadata (for tests). */
export function activeModelVersion(): string {
  return activeMetadata().version;
}
