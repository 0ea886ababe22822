import type { Database } from './database.ts';
import { prepared } from './database.ts';

/** After this many wrong passwords in a row a user name waits LOCK_MS before any password is checked again. */
export const MAX_FAILURES = 5;
export const LOCK_MS = 60_000;

export const keyOf = (username: string) => username.trim().toLowerCase();

export interface AttemptCount {
  failures: number;
  lockedUntil: number;
}

/** The rule: refused while locked; otherwise counted (a lock that has run out starts a fresh count). */
export function countAttempt(row: AttemptCount | undefined, now: number): AttemptCount | null {
  if (row && row.failures >= MAX_FAILURES && now < row.lockedUntil) return null;
  return { failures: row && row.failures < MAX_FAILURES ? row.failures + 1 : 1, lockedUntil: now + LOCK_MS };
}

/**
 * Counts a sign-in attempt for `username` before its password is checked, and says whether it may be checked.
 * Synchronous, in one transaction: 40 attempts sent at once are counted one after another, so the sixth and
 * later are refused even while the first five are still being hashed. A success clears the count (`succeeded`).
 */
export function beginLoginAttempt(db: Database, username: string, now = Date.now()): boolean {
  return db.transaction(() => {
    const key = keyOf(username);
    const row = prepared<[string], AttemptCount>(
      db,
      'SELECT failures, locked_until AS lockedUntil FROM login_attempts WHERE username_key = ?',
    ).get(key);
    const next = countAttempt(row, now);
    if (!next) return false;
    prepared(
      db,
      `INSERT INTO login_attempts (username_key, failures, locked_until) VALUES (?, ?, ?)
       ON CONFLICT (username_key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
    ).run(key, next.failures, next.lockedUntil);
    return true;
  })();
}

/** The password was right: the name's count starts again. */
export function loginSucceeded(db: Database, username: string): void {
  prepared(db, 'DELETE FROM login_attempts WHERE username_key = ?').run(keyOf(username));
}
