import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** Younger leftovers may belong to a backup of another workstation writing to a shared backup folder now. */
const MIN_AGE_MS = 60_000;

/**
 * Removes, under `folder` (and `depth` levels of sub-folders), the entries `matches` picks that are older than a
 * minute; returns them.
 */
export function removeOldLeftovers(
  folder: string,
  matches: (name: string) => boolean,
  depth: number,
  now = Date.now(),
): string[] {
  const removed: string[] = [];
  const old = (file: string) => {
    try {
      return now - statSync(file).mtimeMs > MIN_AGE_MS;
    } catch {
      return false;
    }
  };
  const sweep = (dir: string, level: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // no such folder yet
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (matches(entry.name) && old(full)) {
        rmSync(full, { recursive: true, force: true });
        removed.push(full);
      } else if (entry.isDirectory() && level > 0) sweep(full, level - 1);
    }
  };
  sweep(folder, depth);
  return removed;
}

/**
 * Removes what a crash (or `kill -9`) left half-written in the data folder: `*.tmp` photograph files in the image
 * store (a photograph is renamed into place only once whole) and `*.partial` fine-tune candidates. Nothing a row
 * points to is ever named so. Returns what was removed.
 */
export function sweepLeftovers(dataDir: string, now = Date.now()): string[] {
  return [
    ...removeOldLeftovers(path.join(dataDir, 'images'), (n) => n.endsWith('.tmp'), 1, now),
    ...removeOldLeftovers(path.join(dataDir, 'models'), (n) => n.endsWith('.partial'), 0, now),
  ];
}
