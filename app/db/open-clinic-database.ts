import BetterSqlite3 from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../domain/errors.ts';
import { openDatabase, schemaVersion, type Database } from './database.ts';
import { LATEST_SCHEMA_VERSION } from './migrations.ts';

/** What to do about a damaged record, said the same way everywhere (serve, Electron, the API). */
export function restoreAdvice(dataDir: string): string {
  return (
    `Restore the last good backup (npm run restore -- --backup <backup folder> --data-dir "${dataDir}", ` +
    'or Settings → Backups), or ask your IT support. EyeNet did not change the damaged file.'
  );
}

/**
 * A data folder that holds photographs or a kept database but no `eyenet.sqlite` lost its record (a crash, a
 * file deleted by hand): starting would make an empty record and offer first-time setup over it. Refused
 * (DB_DAMAGED) with what to do instead.
 */
export function refuseEmptyRecordOverRecords(dataDir: string): void {
  if (existsSync(path.join(dataDir, 'eyenet.sqlite'))) return;
  const entries = safeList(dataDir);
  const kept = entries.find(
    (name) => name.startsWith('eyenet.sqlite.replaced-') && !/-(wal|shm)$/.test(name),
  );
  // Whole stored photographs (a half-written `.tmp` from a crash is no record).
  const photographs = safeList(path.join(dataDir, 'images')).some((shard) =>
    safeList(path.join(dataDir, 'images', shard)).some((name) => !name.endsWith('.tmp')),
  );
  if (!kept && !photographs) return;
  throw new AppError(
    'DB_DAMAGED',
    `This data folder (${dataDir}) holds ${kept ? `an earlier database (${kept})` : 'stored photographs'} but no ` +
      `database, so EyeNet will not start an empty record over it. ${restoreAdvice(dataDir)}`,
  );
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}

export interface ClinicDatabase {
  db: Database;
  /** Why the record takes no changes (it failed its integrity check at start); null when all is well. */
  readOnly: string | null;
}

/**
 * Opens the clinic's database at start: a file that is not a database, or is damaged beyond opening, is
 * refused with what to do (DB_DAMAGED), never a stack trace; a database that opens but fails SQLite's
 * quick_check is opened read-only, so records can still be read and copied while nothing more is written to
 * damaged pages.
 */
export function openClinicDatabase(file: string, dataDir: string): ClinicDatabase {
  let problems: string[];
  try {
    const probe = new BetterSqlite3(file, { readonly: false });
    try {
      problems = (probe.pragma('quick_check(5)') as { quick_check: string }[])
        .map((r) => r.quick_check)
        .filter((r) => r !== 'ok');
    } finally {
      probe.close();
    }
  } catch (error) {
    if (isDamage(error))
      throw new AppError(
        'DB_DAMAGED',
        `The EyeNet database (${file}) is damaged or is not an EyeNet database. ${restoreAdvice(dataDir)}`,
      );
    throw error;
  }
  if (problems.length === 0) {
    try {
      return { db: openDatabase(file), readOnly: null };
    } catch (error) {
      if (isDamage(error))
        throw new AppError(
          'DB_DAMAGED',
          `The EyeNet database (${file}) is damaged. ${restoreAdvice(dataDir)}`,
        );
      throw error;
    }
  }
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  if (schemaVersion(db) !== LATEST_SCHEMA_VERSION) {
    db.close();
    throw new AppError(
      'DB_DAMAGED',
      `The EyeNet database (${file}) is damaged and from an older EyeNet, so it cannot even be read. ${restoreAdvice(dataDir)}`,
    );
  }
  return {
    db,
    readOnly:
      `the database failed its integrity check at start (${problems[0]}). Records can be read and exported. ` +
      restoreAdvice(dataDir),
  };
}
