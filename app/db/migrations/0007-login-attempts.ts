import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0007: Migration = {
  version: 7,
  name: 'Sign-in attempts kept in the record',
  up(db) {
    db.exec(`
      -- Failed sign-ins per user name (lower case; names that do not exist count too, so the answer never says
      -- which exist). Kept in the database so a restart does not give a guesser a fresh count.
      CREATE TABLE login_attempts (
        username_key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        -- epoch milliseconds until which this name is refused without checking its password
        locked_until INTEGER NOT NULL
      );
    `);
  },
};
