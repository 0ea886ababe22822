import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0011: Migration = {
  version: 11,
  name: 'Second reading and arbitration of a result',
  up(db) {
    db.exec(`
      -- Which reading a review is: the first (the ordinary review, or its amendment), a second clinician's
      -- independent reading, or an arbitrating clinician's when those two disagree. Every earlier review was a
      -- first reading.
      ALTER TABLE reviews ADD COLUMN stage TEXT NOT NULL DEFAULT 'first'
        CHECK (stage IN ('first', 'second', 'arbitration'));
      -- On a first reading: whether the site's policy at the time required a second one (1) or not (0).
      ALTER TABLE reviews ADD COLUMN second_required INTEGER NOT NULL DEFAULT 0;
    `);
  },
};
