import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK = 'eyenet.lock';

/** Marks a data folder as in use by this process (the restore command refuses to run under a live app). */
export function lockDataFolder(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK);
  writeFileSync(file, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }), { mode: 0o600 });
  return () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid === process.pid) rmSync(file);
    } catch {
      // already gone
    }
  };
}

/** The process that has the data folder open, if it is still running (a lock left by a crash is ignored). */
export function dataFolderUser(dataDir: string): number | null {
  try {
    const { pid } = JSON.parse(readFileSync(path.join(dataDir, LOCK), 'utf8')) as { pid: number };
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}
