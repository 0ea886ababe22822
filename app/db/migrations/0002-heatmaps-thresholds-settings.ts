import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0002: Migration = {
  version: 2,
  name: 'heatmaps, the operating point each result was judged at, site settings',
  up(db) {
    db.exec(`
      ALTER TABLE results ADD COLUMN heatmap_sha256 TEXT;
      ALTER TABLE results ADD COLUMN heatmap_ms REAL NOT NULL DEFAULT 0;
      ALTER TABLE results ADD COLUMN referable_threshold REAL;
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  },
};
