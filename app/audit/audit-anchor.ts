import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AuditVerification } from '../../contract/index.ts';
import { prepared, type Database } from '../db/database.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting, setSetting } from '../db/settings-repo.ts';

// The audit chain's head, kept outside the database: `eyenet.sqlite.audit-head` beside it holds the id and hash
// of the newest entry, rewritten after every entry (and copied into every backup manifest). Whoever rewrites the
// database alone (drops the triggers, deletes rows, recomputes the unkeyed chain) cannot make the newest hash
// match it, nor cut the tail unseen. Whoever can also write the data folder can: README, "What holds".

export interface AuditHead {
  id: number;
  hash: string;
}

/** The anchor file of a database on disk; null for an in-memory one. */
export function anchorFile(db: Database): string | null {
  return db.memory || db.name === ':memory:' || db.name === '' ? null : `${db.name}.audit-head`;
}

export function readAnchor(db: Database): AuditHead | null {
  const file = anchorFile(db);
  if (!file || !existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as AuditHead;
}

/** Written after the entry is committed, so it may lag one entry behind after a crash, never run ahead. */
export function writeAnchor(db: Database, head: AuditHead): void {
  const file = anchorFile(db);
  if (!file || db.readonly) return;
  writeFileSync(`${file}.tmp`, JSON.stringify(head), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/**
 * The chain checked against its anchor: the anchored entry must be there with the same hash (a rewritten or cut
 * log fails). A log that has entries but was never anchored (written by an EyeNet before anchors) is anchored
 * now, once: after that a missing anchor is itself a finding.
 */
export function checkAnchor(db: Database, chain: AuditVerification): AuditVerification {
  if (!chain.ok || !anchorFile(db)) return chain;
  const anchor = readAnchor(db);
  const broken = (id: number, reason: string): AuditVerification => ({
    ...chain,
    ok: false,
    broken: { id, reason },
  });
  if (!anchor) {
    if (chain.entries === 0) return chain;
    if (getSetting<boolean>(db, SETTING_KEYS.auditAnchored))
      return broken(chain.entries, 'the anchor kept beside the database is missing');
    if (!db.readonly) {
      const last = prepared<[], AuditHead>(
        db,
        'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1',
      ).get()!;
      writeAnchor(db, last);
      setSetting(db, SETTING_KEYS.auditAnchored, true);
    }
    return chain;
  }
  const row = prepared<[number], { hash: string }>(db, 'SELECT hash FROM audit_log WHERE id = ?').get(
    anchor.id,
  );
  if (!row)
    return broken(
      anchor.id,
      `entries up to ${anchor.id} were written, but the log now ends at ${chain.entries}`,
    );
  if (row.hash !== anchor.hash)
    return broken(anchor.id, 'it does not match the anchor kept beside the database (the log was rewritten)');
  return chain;
}
