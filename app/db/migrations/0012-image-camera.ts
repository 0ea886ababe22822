import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0012: Migration = {
  version: 12,
  name: 'The camera each photograph says it came from',
  up(db) {
    db.exec(`
      -- Maker and model from a DICOM file's header ('' for other files): a visit's photographs can come from
      -- more than one camera, and the visit's camera field names only the one typed or seen first.
      ALTER TABLE images ADD COLUMN camera TEXT NOT NULL DEFAULT '';
    `);
  },
};
