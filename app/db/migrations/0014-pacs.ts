import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0014: Migration = {
  version: 14,
  name: 'DICOMweb servers, the studies pulled from them, and the results waiting to go back',
  up(db) {
    db.exec(`
      -- A PACS (DICOMweb) the clinic pulls from and pushes to. The password is sealed (AES-GCM with a key kept in
      -- the data folder, owner-only), never in a plain column; removed servers stay for the history of what was sent.
      CREATE TABLE pacs_servers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        url TEXT NOT NULL,
        username TEXT,
        password_sealed BLOB,
        fhir_url TEXT,
        created_at TEXT NOT NULL,
        removed_at TEXT
      );
      -- Each study pulled, once: a study in this table is never imported again from that server.
      CREATE TABLE pacs_studies (
        server_id INTEGER NOT NULL REFERENCES pacs_servers(id),
        study_uid TEXT NOT NULL,
        pulled_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('imported', 'refused')),
        note TEXT NOT NULL DEFAULT '',
        visit_id INTEGER REFERENCES visits(id),
        PRIMARY KEY (server_id, study_uid)
      );
      -- A signed visit's result on its way to a server: retried with back-off until sent; one row per server,
      -- visit and sign-off (a visit signed again after an amendment is sent again, as a new version).
      CREATE TABLE pacs_outbox (
        id INTEGER PRIMARY KEY,
        server_id INTEGER NOT NULL REFERENCES pacs_servers(id),
        visit_id INTEGER NOT NULL REFERENCES visits(id),
        version TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'superseded')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        queued_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        UNIQUE (server_id, visit_id, version)
      );
    `);
  },
};
