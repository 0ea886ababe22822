import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0013: Migration = {
  version: 13,
  name: 'Maculopathy per result, and the clinician’s M0/M1',
  up(db) {
    db.exec(`
      -- What the model's maculopathy head said: assessed (with its probability, the point in force and where the
      -- fovea was found), no_fovea (no macula to judge), or not_assessed (the model has no head; every earlier
      -- result).
      ALTER TABLE results ADD COLUMN maculopathy_status TEXT NOT NULL DEFAULT 'not_assessed'
        CHECK (maculopathy_status IN ('assessed', 'no_fovea', 'not_assessed'));
      ALTER TABLE results ADD COLUMN maculopathy_probability REAL;
      ALTER TABLE results ADD COLUMN maculopathy_threshold REAL;
      ALTER TABLE results ADD COLUMN maculopathy_fovea TEXT;
      ALTER TABLE results ADD COLUMN maculopathy_evidence_sha256 TEXT;
      -- The clinician's maculopathy reading with the grade: 1 = maculopathy (M1), 0 = none (M0), NULL = not
      -- recorded (every earlier review).
      ALTER TABLE reviews ADD COLUMN clinician_maculopathy INTEGER CHECK (clinician_maculopathy IN (0, 1));
    `);
  },
};
