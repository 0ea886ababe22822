import type { WatchFileItem, WatchFileStatus } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from './database.ts';

interface WatchFileRow {
  id: number;
  sha256: string;
  path: string;
  size: number;
  status: WatchFileStatus;
  message: string;
  image_ids: string;
  registrable: string | null;
  seen_at: string;
  updated_at: string;
}

/** A watched file as stored: its place in the folder and its content digest beside what the list shows. */
export interface WatchFileRecord extends WatchFileItem {
  sha256: string;
  /** Absolute path when it was seen. */
  path: string;
}

function toItem(row: WatchFileRow, folder: string | null): WatchFileRecord {
  const name =
    folder && row.path.startsWith(folder) ? row.path.slice(folder.length).replace(/^[\\/]+/, '') : row.path;
  return {
    id: row.id,
    name,
    path: row.path,
    sha256: row.sha256,
    status: row.status,
    message: row.message,
    imageIds: JSON.parse(row.image_ids) as number[],
    registrable: row.registrable ? (JSON.parse(row.registrable) as WatchFileItem['registrable']) : null,
    seenAt: row.seen_at,
    updatedAt: row.updated_at,
  };
}

export function seenWatchFile(db: Database, sha256: string): boolean {
  return (
    prepared<[string], { id: number }>(db, 'SELECT id FROM watch_files WHERE sha256 = ?').get(sha256) !==
    undefined
  );
}

export interface WatchOutcome {
  status: WatchFileStatus;
  message: string;
  imageIds: number[];
  registrable?: WatchFileItem['registrable'];
}

const registrableOf = (o: WatchOutcome) => (o.registrable ? JSON.stringify(o.registrable) : null);

/** Records what became of a file the first time it is seen (its content digest is unique: never twice). */
export function recordWatchFile(
  db: Database,
  file: { sha256: string; path: string; size: number },
  outcome: WatchOutcome,
  now: Date = new Date(),
): void {
  prepared(
    db,
    `INSERT INTO watch_files (sha256, path, size, status, message, image_ids, registrable, seen_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING`,
  ).run(
    file.sha256,
    file.path,
    file.size,
    outcome.status,
    outcome.message,
    JSON.stringify(outcome.imageIds),
    registrableOf(outcome),
    now.toISOString(),
    now.toISOString(),
  );
}

export function updateWatchFile(
  db: Database,
  id: number,
  outcome: WatchOutcome,
  now: Date = new Date(),
): void {
  prepared(
    db,
    'UPDATE watch_files SET status = ?, message = ?, image_ids = ?, registrable = ?, updated_at = ? WHERE id = ?',
  ).run(
    outcome.status,
    outcome.message,
    JSON.stringify(outcome.imageIds),
    registrableOf(outcome),
    now.toISOString(),
    id,
  );
}

export function getWatchFile(db: Database, id: number, folder: string | null): WatchFileRecord {
  const row = prepared<[number], WatchFileRow>(db, 'SELECT * FROM watch_files WHERE id = ?').get(id);
  if (!row) throw new AppError('NOT_FOUND', `No watched file with id ${id}.`);
  return toItem(row, folder);
}

export function listWatchFiles(
  db: Database,
  folder: string | null,
  which: 'unmatched' | 'recent',
  limit = 50,
): WatchFileRecord[] {
  const rows =
    which === 'unmatched'
      ? prepared<[number], WatchFileRow>(
          db,
          "SELECT * FROM watch_files WHERE status = 'unmatched' ORDER BY id LIMIT ?",
        ).all(limit)
      : prepared<[number], WatchFileRow>(
          db,
          'SELECT * FROM watch_files ORDER BY updated_at DESC, id DESC LIMIT ?',
        ).all(limit);
  return rows.map((r) => toItem(r, folder));
}
