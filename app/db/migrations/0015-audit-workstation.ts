import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0015: Migration = {
  version: 15,
  name: 'The workstation each audited call came from',
  up(db) {
    db.exec(`
      -- With a clinic server, calls come from several workstations: each entry says which (its network address,
      -- or "this computer"). Null on entries written before; the hash covers it only where it is set, so those
      -- entries still verify.
      ALTER TABLE audit_log ADD COLUMN workstation TEXT;
    `);
  },
};
