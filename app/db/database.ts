import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { AppError } from '../../domain/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations.ts';

export type { Database };

const statements = new WeakMap<Database, Map<string, Statement<unknown[], unknown>>>();

/**
 * The statement for this SQL on this database, compiled once and reused. Repositories run the same few
 * queries many times (the patient list runs several per patient), and compiling costs more than running.
 * Statements here are only run with get/all/run, never left mid-iteration, so sharing one is safe.
 */
export function prepared<P extends unknown[] = unknown[], R = unknown>(
  db: Database,
  sql: string,
): Statement<P, R> {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare<unknown[], unknown>(sql)));
  return statement as unknown as Statement<P, R>;
}

/** Opens (creating if needed) the clinic database and brings its schema up to date. */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before it is answered, power cut or not (NORMAL in WAL mode can lose the last ones).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** For tests: a private in-memory database with the full schema. */
export function openMemoryDatabase(migrations: readonly Migration[] = MIGRATIONS): Database {
  return openDatabase(':memory:', migrations);
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every pending migration in one transaction: either all of them land or none does. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const latest =
    migrations === MIGRATIONS ? LATEST_SCHEMA_VERSION : Math.max(0, ...migrations.map((m) => m.version));
  const current = schemaVersion(db);
  if (current > latest) {
    throw new AppError(
      'DB_TOO_NEW',
      `This database was written by a newer version of EyeNet (schema ${current}, this app knows ${latest}). ` +
        'Update EyeNet; the database was not changed.',
    );
  }
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
  })();
}
