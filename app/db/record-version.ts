import type { Database } from './database.ts';

/**
 * A token that moves whenever the record changes: the newest audited change (every change made through a
 * handler, on any workstation), photograph and result (the watch folder imports without a handler). Cheap: three
 * lookups at the end of their rowid order.
 */
export function recordVersion(db: Database): string {
  const row = db
    .prepare(
      `SELECT (SELECT IFNULL(MAX(id), 0) FROM audit_log WHERE kind = 'change') AS changes,
              (SELECT IFNULL(MAX(id), 0) FROM images) AS images,
              (SELECT IFNULL(MAX(id), 0) FROM results) AS results`,
    )
    .get() as { changes: number; images: number; results: number };
  return `${row.changes}.${row.images}.${row.results}`;
}
