import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0003: Migration = {
  version: 3,
  name: 'patient diabetes history and notes, visit operator and camera, clinician reviews',
  up(db) {
    db.exec(`
      ALTER TABLE patients ADD COLUMN diabetes_type TEXT
        CHECK (diabetes_type IN ('type1', 'type2', 'gestational', 'other', 'unknown'));
      ALTER TABLE patients ADD COLUMN diagnosis_year INTEGER;
      ALTER TABLE patients ADD COLUMN notes TEXT NOT NULL DEFAULT '';
      ALTER TABLE patients ADD COLUMN updated_at TEXT;

      ALTER TABLE visits ADD COLUMN operator TEXT NOT NULL DEFAULT '';
      ALTER TABLE visits ADD COLUMN camera TEXT NOT NULL DEFAULT '';

      -- Append-only: a new review of the same result supersedes the last one, nothing is overwritten, so
      -- both the model's grade (in results) and every clinician decision stay on record.
      CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        result_id INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
        model_grade INTEGER CHECK (model_grade BETWEEN 0 AND 4),
        clinician_grade INTEGER CHECK (clinician_grade BETWEEN 0 AND 4),
        action TEXT NOT NULL CHECK (action IN ('accept', 'override')),
        reason TEXT NOT NULL DEFAULT '',
        reviewer TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,
        CHECK (action = 'accept' OR length(reason) > 0)
      );
      CREATE INDEX reviews_result ON reviews (result_id);
    `);
  },
};
