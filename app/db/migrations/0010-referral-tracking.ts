import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0010: Migration = {
  version: 10,
  name: 'A referral tracked from sent to its outcome',
  up(db) {
    db.exec(`
      -- Each step of a visit's referral as staff record it: sent, booked (on_date: the appointment), seen, outcome
      -- (what the eye service found or did). Append-only: a correction is a new row, the history stays.
      CREATE TABLE referral_events (
        id INTEGER PRIMARY KEY,
        visit_id INTEGER NOT NULL REFERENCES visits(id),
        step TEXT NOT NULL CHECK (step IN ('sent', 'booked', 'seen', 'outcome')),
        on_date TEXT NOT NULL,
        outcome TEXT CHECK (outcome IS NULL OR outcome IN ('treatment', 'monitoring', 'discharged', 'did_not_attend')),
        note TEXT NOT NULL DEFAULT '',
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      );
      CREATE INDEX referral_events_visit ON referral_events (visit_id, id);
    `);
  },
};
