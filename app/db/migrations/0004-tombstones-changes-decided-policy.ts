import type { Migration } from './migration.ts';

/**
 * The referral policy as the app defaulted it when this migration shipped (ICDR / AAO practice). Copied here on
 * purpose: a shipped migration must mean the same thing forever, whatever later code calls the defaults.
 */
const POLICY_AT_0004 = {
  '0': { action: 'rescreen', months: 12 },
  '1': { action: 'rescreen', months: 12 },
  '2': { action: 'refer', months: 3 },
  '3': { action: 'refer_urgent', months: null },
  '4': { action: 'refer_urgent', months: null },
  ungradable: { action: 'reimage', months: null },
  ungradable_again: { action: 'refer', months: 3 },
};

// Shipped: never edit, add the next migration instead.
export const migration0004: Migration = {
  version: 4,
  name: 'tombstones, the record of corrections, the policy each review decided under',
  up(db) {
    db.exec(`
      -- Deleting keeps the row: who, when and why, hidden from lists, restorable.
      ALTER TABLE patients ADD COLUMN deleted_at TEXT;
      ALTER TABLE patients ADD COLUMN deleted_by TEXT;
      ALTER TABLE patients ADD COLUMN deleted_reason TEXT;
      -- Set when this patient was a duplicate registration, merged into the other.
      ALTER TABLE patients ADD COLUMN merged_into INTEGER REFERENCES patients (id);
      ALTER TABLE visits ADD COLUMN deleted_at TEXT;
      ALTER TABLE visits ADD COLUMN deleted_by TEXT;
      ALTER TABLE visits ADD COLUMN deleted_reason TEXT;
      ALTER TABLE images ADD COLUMN deleted_at TEXT;
      ALTER TABLE images ADD COLUMN deleted_by TEXT;
      ALTER TABLE images ADD COLUMN deleted_reason TEXT;

      -- The referral policy (JSON) in force when the clinician decided: a decided visit keeps it.
      ALTER TABLE reviews ADD COLUMN referral_policy TEXT;

      -- Append-only record of every correction: what changed, from what to what, by whom and why.
      CREATE TABLE record_changes (
        id INTEGER PRIMARY KEY,
        entity TEXT NOT NULL CHECK (entity IN ('patient', 'visit', 'image')),
        entity_id INTEGER NOT NULL,
        patient_id INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('edit', 'move', 'delete', 'restore', 'merge')),
        before TEXT NOT NULL,
        after TEXT NOT NULL,
        changed_by TEXT NOT NULL CHECK (length(changed_by) > 0),
        reason TEXT NOT NULL DEFAULT '',
        changed_at TEXT NOT NULL
      );
      CREATE INDEX record_changes_patient ON record_changes (patient_id);
    `);
    // Reviews made before this version were decided under the policy then in force: the site's, over the defaults.
    const site = db.prepare(`SELECT value FROM settings WHERE key = 'referralPolicy'`).get() as
      { value: string } | undefined;
    const policy = { ...POLICY_AT_0004, ...(site ? (JSON.parse(site.value) as object) : {}) };
    db.prepare('UPDATE reviews SET referral_policy = ?').run(JSON.stringify(policy));
  },
};
