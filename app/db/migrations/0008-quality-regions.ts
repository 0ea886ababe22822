import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0008: Migration = {
  version: 8,
  name: 'Which regions of a photograph the quality gate found obscured',
  up(db) {
    db.exec(`
      -- JSON array of region names (domain/quality.ts QUALITY_REGIONS) when the verdict names region_obscured;
      -- NULL for verdicts made before regions were judged one by one.
      ALTER TABLE results ADD COLUMN quality_regions TEXT;
    `);
  },
};
