import BetterSqlite3 from 'better-sqlite3';
import { existsSync, linkSync, readFileSync, renameSync, rmSync, copyFileSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { BackupSummary } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { openDatabase } from '../db/database.ts';
import { faultPoint } from '../services/fault-point.ts';
import { exists } from '../services/image-store.ts';
import {
  backupRootOf,
  copyWhole,
  readManifest,
  sha256File,
  storePath,
  summary,
  verifyBackup,
} from './backup.ts';

// A restore never leaves a moment without a whole database under the live name. The snapshot's database is
// copied whole beside the live one (`eyenet.sqlite.restoring`), a journal says a restore is under way, the live
// database is kept under a second name (`eyenet.sqlite.replaced-<time>`, a hard link: no copy, no gap), and
// one rename puts the restored one in its place. A start that finds the journal finishes the restore; one that
// finds only an unfinished copy removes it (the record was never touched).

const DB = 'eyenet.sqlite';
const RESTORING = `${DB}.restoring`;
const JOURNAL = 'restore-journal.json';

interface RestoreJournal {
  snapshot: string;
  createdAt: string;
  stamp: string;
}

/** Keeps the live database (and any WAL it has) under the replaced name; the live name stays whole. */
function keepAside(dataDir: string, stamp: string): void {
  const live = path.join(dataDir, DB);
  const kept = path.join(dataDir, `${DB}.replaced-${stamp}`);
  if (!existsSync(live) || existsSync(kept)) return;
  // Fold a WAL left by a crash into the file first, so the kept copy is whole on its own.
  try {
    const db = new BetterSqlite3(live, { fileMustExist: true });
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  } catch {
    // a damaged database is kept as it is, with its WAL beside it
  }
  try {
    linkSync(live, kept);
  } catch {
    copyFileSync(live, kept);
  }
  // A WAL must never meet the restored database: it would be replayed into it.
  for (const suffix of ['-wal', '-shm'])
    if (existsSync(live + suffix)) renameSync(live + suffix, kept + suffix);
}

function appendRestored(dataDir: string, journal: RestoreJournal, how: string): void {
  const db = openDatabase(path.join(dataDir, DB));
  try {
    appendAudit(db, {
      userId: null,
      username: '(restore command)',
      role: '',
      action: 'backup:restored',
      kind: 'security',
      patientId: null,
      request: { snapshot: journal.snapshot, createdAt: journal.createdAt, how },
    });
  } finally {
    db.close();
  }
}

/**
 * Restores a snapshot into a data folder whose lock the caller holds: checks every checksum first and changes
 * nothing if one fails; copies back the photographs the store lacks or holds damaged, and the local models; then
 * swaps the database in as above and records the restore in the restored record's audit log.
 */
export async function restoreBackup(
  snapshot: string,
  dataDir: string,
  now = new Date(),
): Promise<BackupSummary> {
  // Every path the manifest names must land inside the data folder, before anything is read or written.
  for (const model of (await readManifest(snapshot)).models) {
    insideDataDir(dataDir, model.path);
    insideDataDir(snapshot, model.path);
  }
  const problems = await verifyBackup(snapshot);
  if (problems.length)
    throw new AppError('INVALID_INPUT', `This backup cannot be restored: ${problems.slice(0, 3).join(' ')}`);
  const manifest = await readManifest(snapshot);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const store = path.join(backupRootOf(snapshot), 'images');
  for (const image of manifest.images) {
    const target = storePath(path.join(dataDir, 'images'), image.sha256);
    if ((await exists(target)) && (await sha256File(target)) === image.sha256) continue;
    await copyWhole(storePath(store, image.sha256), target);
  }
  for (const model of manifest.models)
    await copyWhole(path.join(snapshot, model.path), insideDataDir(dataDir, model.path));
  await copyWhole(path.join(snapshot, manifest.database.file), path.join(dataDir, RESTORING));
  faultPoint('restore:copied');
  const journal: RestoreJournal = {
    snapshot,
    createdAt: manifest.createdAt,
    stamp: now.toISOString().replace(/[:.]/g, '-'),
  };
  const journalFile = path.join(dataDir, JOURNAL);
  await writeFile(`${journalFile}.tmp`, JSON.stringify(journal), { mode: 0o600 });
  await rename(`${journalFile}.tmp`, journalFile);
  faultPoint('restore:journal');
  keepAside(dataDir, journal.stamp);
  faultPoint('restore:kept-aside');
  await rename(path.join(dataDir, RESTORING), path.join(dataDir, DB));
  faultPoint('restore:swapped');
  appendRestored(dataDir, journal, 'restore command');
  await rm(journalFile, { force: true });
  return summary(snapshot, manifest);
}

/**
 * At start, before the database is opened (with the folder's lock held): finishes a restore a crash cut short,
 * or removes the unfinished copy of one that had not begun to change anything. Returns what it did, or null.
 */
export function finishInterruptedRestore(dataDir: string): string | null {
  const journalFile = path.join(dataDir, JOURNAL);
  const restoring = path.join(dataDir, RESTORING);
  for (const name of safeList(dataDir))
    if (name.startsWith(`${RESTORING}.`) && name.endsWith('.tmp'))
      rmSync(path.join(dataDir, name), { force: true });
  rmSync(`${journalFile}.tmp`, { force: true });
  if (!existsSync(journalFile)) {
    if (!existsSync(restoring)) return null;
    rmSync(restoring, { force: true });
    return 'A restore was interrupted before it changed anything; its unfinished copy was removed.';
  }
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as RestoreJournal;
  if (existsSync(restoring)) {
    keepAside(dataDir, journal.stamp);
    renameSync(restoring, path.join(dataDir, DB));
  }
  appendRestored(dataDir, journal, 'finished at start after an interruption');
  rmSync(journalFile, { force: true });
  return `The restore of the backup of ${journal.createdAt} was interrupted; it was finished at start.`;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A path from a manifest, resolved inside the data folder; anything that would land outside is refused. */
export function insideDataDir(dataDir: string, relative: string): string {
  const root = path.resolve(dataDir);
  const target = path.resolve(root, relative);
  if (path.isAbsolute(relative) || !target.startsWith(root + path.sep))
    throw new AppError(
      'INVALID_INPUT',
      `This backup names a file outside its folder (${relative}): it was not restored.`,
    );
  return target;
}
