import type { NewUser, Role, UserAccount } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from './database.ts';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
  version: number;
}

function toUser(row: UserRow): UserAccount {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    createdAt: row.created_at,
    disabled: row.disabled_at !== null,
    version: row.version,
  };
}

export function countUsers(db: Database): number {
  return prepared<[], { n: number }>(db, 'SELECT COUNT(*) AS n FROM users').get()!.n;
}

export function listUsers(db: Database): UserAccount[] {
  return prepared<[], UserRow>(db, 'SELECT * FROM users ORDER BY username COLLATE NOCASE').all().map(toUser);
}

export function getUser(db: Database, id: number): UserAccount {
  const row = prepared<[number], UserRow>(db, 'SELECT * FROM users WHERE id = ?').get(id);
  if (!row) throw new AppError('NOT_FOUND', `No account with id ${id}.`);
  return toUser(row);
}

/** The account and its password hash, for signing in; null when there is no such user name. */
export function findLogin(
  db: Database,
  username: string,
): { user: UserAccount; passwordHash: string } | null {
  const row = prepared<[string], UserRow>(db, 'SELECT * FROM users WHERE username = ?').get(username.trim());
  return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
}

export function insertUser(
  db: Database,
  user: Omit<NewUser, 'password'>,
  passwordHash: string,
  now = new Date(),
): UserAccount {
  if (findLogin(db, user.username))
    throw new AppError('CONFLICT', `The user name “${user.username}” is taken.`);
  const info = prepared(
    db,
    'INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(user.username.trim(), user.displayName.trim(), user.role, passwordHash, now.toISOString());
  return getUser(db, Number(info.lastInsertRowid));
}

/**
 * Saves an account edited from `version`. A save from an older version is refused (STALE) instead of undoing
 * another administrator's change; the last active administrator can be neither disabled nor demoted.
 */
export function updateUser(
  db: Database,
  update: { id: number; version: number; displayName: string; role: Role; disabled: boolean },
  passwordHash: string | null,
  now = new Date(),
): UserAccount {
  return db.transaction(() => {
    const current = getUser(db, update.id);
    if (current.version !== update.version)
      throw new AppError(
        'STALE',
        `${current.displayName}'s account was changed by someone else since you opened it. Look at it again, then save.`,
      );
    const losesAdmin =
      current.role === 'administrator' && (update.role !== 'administrator' || update.disabled);
    if (losesAdmin && activeAdministrators(db) <= 1)
      throw new AppError(
        'INVALID_INPUT',
        'EyeNet needs at least one active administrator: this is the last one.',
      );
    // A disabled account keeps the time it was first disabled.
    prepared(
      db,
      `UPDATE users SET display_name = ?, role = ?,
         disabled_at = CASE WHEN ? THEN COALESCE(disabled_at, ?) ELSE NULL END,
         password_hash = COALESCE(?, password_hash), version = version + 1
       WHERE id = ?`,
    ).run(
      update.displayName.trim(),
      update.role,
      update.disabled ? 1 : 0,
      now.toISOString(),
      passwordHash,
      update.id,
    );
    return getUser(db, update.id);
  })();
}

export function setPasswordHash(db: Database, id: number, passwordHash: string): void {
  prepared(db, 'UPDATE users SET password_hash = ?, version = version + 1 WHERE id = ?').run(
    passwordHash,
    id,
  );
}

function activeAdministrators(db: Database): number {
  return prepared<[], { n: number }>(
    db,
    "SELECT COUNT(*) AS n FROM users WHERE role = 'administrator' AND disabled_at IS NULL",
  ).get()!.n;
}
