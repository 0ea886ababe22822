import BetterSqlite3 from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../domain/errors.ts';

// One process per data folder, by an operating-system lock: SQLite's own exclusive lock on a small file of its
// own (fcntl on Linux and macOS, LockFileEx on Windows), taken with BEGIN EXCLUSIVE in exclusive locking mode and
// held while the connection is open. The OS drops it when the process ends, however it ends, so a crash never
// leaves the folder locked; a second process cannot take it while the first lives (nor can a second opener in the
// same process). `eyenet.lock` beside it only says who holds it, for the sentence.
const LOCK_FILE = 'eyenet.lock.sqlite';
const HOLDER_FILE = 'eyenet.lock';

interface Holder {
  pid: number;
  since: string;
  what: string;
}

function holderSentence(dataDir: string): string {
  try {
    const holder = JSON.parse(readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8')) as Holder;
    return `${holder.what} (process ${holder.pid}, since ${holder.since.slice(0, 16).replace('T', ' ')})`;
  } catch {
    return 'another EyeNet process';
  }
}

/**
 * Takes the data folder for this process (`what` names it in the refusal others get: "EyeNet", "a restore").
 * Throws DATA_FOLDER_BUSY, with who holds it, when another process has it. Returns the release.
 */
export function lockDataFolder(dataDir: string, what = 'EyeNet'): () => void {
  const lock = new BetterSqlite3(path.join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new AppError(
        'DATA_FOLDER_BUSY',
        `This data folder (${dataDir}) is in use by ${holderSentence(dataDir)}. ` +
          'One EyeNet at a time may use a data folder: close the other one first.',
      );
    throw error;
  }
  const holder: Holder = { pid: process.pid, since: new Date().toISOString(), what };
  writeFileSync(path.join(dataDir, HOLDER_FILE), JSON.stringify(holder), { mode: 0o600 });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      const current = JSON.parse(readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8')) as Holder;
      if (current.pid === process.pid) rmSync(path.join(dataDir, HOLDER_FILE));
    } catch {
      // already gone
    }
    lock.close();
  };
}
