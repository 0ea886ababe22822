import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** Younger leftovers may belong to another EyeNet writing to the same folder right now. */
const MIN_AGE_MS = 60_000;

/**
 * Removes what a crash (or `kill -9`) left half-written in the data folder: `*.tmp` photograph files in the image
 * store (a photograph is renamed into place only once whole) and `*.partial` fine-tune candidates. Nothing a row
 * points to is ever named so. Returns what was removed.
 */
export function sweepLeftovers(dataDir: string, now = Date.now()): string[] {
  const removed: string[] = [];
  const old = (file: string) => {
    try {
      return now - statSync(file).mtimeMs > MIN_AGE_MS;
    } catch {
      return false;
    }
  };
  const sweep = (folder: string, matches: (name: string) => boolean, depth: number) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return; // no such folder yet
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (matches(entry.name) && old(full)) {
        rmSync(full, { recursive: true, force: true });
        removed.push(full);
      } else if (entry.isDirectory() && depth > 0) sweep(full, matches, depth - 1);
    }
  };
  sweep(path.join(dataDir, 'images'), (n) => n.endsWith('.tmp'), 1);
  sweep(path.join(dataDir, 'models'), (n) => n.endsWith('.partial'), 0);
  return removed;
}
