import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0006: Migration = {
  version: 6,
  name: 'Accounts, the audit chain, edit versions of patients',
  up(db) {
    db.exec(`
      -- Staff accounts: the first is the administrator created at first start. Disabled, never deleted: the
      -- audit log and the reviews keep naming who did what.
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('administrator', 'clinician', 'technician')),
        -- scrypt$N$r$p$salt$hash (node:crypto)
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disabled_at TEXT,
        version INTEGER NOT NULL DEFAULT 1
      );

      -- Append-only: every change and every view of a patient's record. Each entry carries the hash of the one
      -- before it, so an edited or deleted entry breaks the chain (npm run audit -- --verify). The triggers stop
      -- the app itself from ever changing history; the chain catches anyone who goes around it.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER,
        username TEXT NOT NULL,
        role TEXT NOT NULL,
        -- the channel (patients:update) or an event (auth:failed)
        action TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('change', 'view', 'security')),
        patient_id INTEGER,
        -- what was asked (JSON, photographs and passwords left out), what was there before, what is there after
        request TEXT NOT NULL,
        before TEXT,
        after TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_patient ON audit_log (patient_id) WHERE patient_id IS NOT NULL;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;

      -- Edit versions: a save names the version it was made from, and a save from an older one is refused
      -- instead of silently undoing someone else's.
      ALTER TABLE patients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE visits ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    `);
  },
};
