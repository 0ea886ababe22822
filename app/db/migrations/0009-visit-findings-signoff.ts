import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0009: Migration = {
  version: 9,
  name: 'What a clinic records beside the photographs, and the clinician who signs a visit off',
  up(db) {
    db.exec(`
      -- Visual acuity per eye as the clinic writes it ("6/9", "20/40", "0.2 logMAR"); '' when not recorded.
      ALTER TABLE visits ADD COLUMN va_right TEXT NOT NULL DEFAULT '';
      ALTER TABLE visits ADD COLUMN va_left TEXT NOT NULL DEFAULT '';
      -- 1 dilated, 0 not dilated, NULL not recorded.
      ALTER TABLE visits ADD COLUMN dilated INTEGER;
      -- HbA1c with its unit ('%' or 'mmol/mol'); both NULL when not recorded.
      ALTER TABLE visits ADD COLUMN hba1c REAL;
      ALTER TABLE visits ADD COLUMN hba1c_unit TEXT;

      -- A clinician's sign-off of a visit whose photographs are all reviewed: the report and letter are final only
      -- while it holds. reviews_digest names the reviews it signed (a later review, an amendment, makes it stale:
      -- the visit is provisional again until signed anew). Append-only: every sign-off is kept.
      CREATE TABLE visit_signoffs (
        id INTEGER PRIMARY KEY,
        visit_id INTEGER NOT NULL REFERENCES visits(id),
        user_id INTEGER REFERENCES users(id),
        signer_name TEXT NOT NULL,
        signer_role TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        reviews_digest TEXT NOT NULL
      );
      CREATE INDEX visit_signoffs_visit ON visit_signoffs (visit_id, id);
    `);
  },
};
