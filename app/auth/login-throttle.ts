import type { Database } from '../db/database.ts';
import {
  beginLoginAttempt,
  countAttempt,
  keyOf,
  loginSucceeded,
  type AttemptCount,
} from '../db/login-attempts-repo.ts';

// A record opened read-only (it failed its integrity check) cannot store attempts: there they are counted in
// memory for as long as the process runs, by the same rule.
const inMemory = new WeakMap<Database, Map<string, AttemptCount>>();

function memoryOf(db: Database) {
  let map = inMemory.get(db);
  if (!map) inMemory.set(db, (map = new Map()));
  return map;
}

/** Counts a sign-in attempt before its password is checked; false when the name must wait (login-attempts-repo). */
export function beginSignIn(db: Database, username: string, now = Date.now()): boolean {
  if (!db.readonly) return beginLoginAttempt(db, username, now);
  const next = countAttempt(memoryOf(db).get(keyOf(username)), now);
  if (next) memoryOf(db).set(keyOf(username), next);
  return next !== null;
}

export function signInSucceeded(db: Database, username: string): void {
  if (db.readonly) memoryOf(db).delete(keyOf(username));
  else loginSucceeded(db, username);
}
