import { prepared, type Database } from './database.ts';

/**
 * A token that moves whenever the record changes: the newest audited change (every change made through a
 * handler, on any workstation), photograph and result (the watch folder imports without a handler). Cheap: three
 * lookups from the end of their rowid order, however long the audit log grows.
 */
export function recordVersion(db: Database): string {
  const row = prepared<[], { changes: number; images: number; results: number }>(
    db,
    // Newest first by rowid, stopping at the first change (MAX() with a WHERE would read the whole log).
    `SELECT IFNULL((SELECT id FROM audit_log WHERE kind = 'change' ORDER BY id DESC LIMIT 1), 0) AS changes,
              (SELECT IFNULL(MAX(id), 0) FROM images) AS images,
              (SELECT IFNULL(MAX(id), 0) FROM results) AS results`,
  ).get()!;
  return `${row.changes}.${row.images}.${row.results}`;
}
