import BetterSqlite3 from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackupSummary } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import type { Database } from '../db/database.ts';
import { schemaVersion } from '../db/database.ts';
import { namedFiles } from '../db/stored-files-repo.ts';
import { exists, ImageStore } from '../services/image-store.ts';
import { removeOldLeftovers } from '../services/sweep-leftovers.ts';

// A backup folder holds one shared, content-addressed copy of every photograph (`images/aa/<sha256>`, written
// once, never changed: a daily backup copies only the day's new photographs) and one snapshot per backup
// (`snapshots/<time>/`: the database, locally fine-tuned models, and a manifest with every file's SHA-256).

export const MANIFEST = 'manifest.json';

export interface BackupManifest {
  format: 'eyenet-backup-1';
  createdAt: string;
  appVersion: string;
  schemaVersion: number;
  database: { file: 'eyenet.sqlite'; sha256: string; bytes: number };
  /** Every stored file the database names, by content. */
  images: { sha256: string; bytes: number }[];
  /** Local models (fine-tuned here), path relative to the snapshot. */
  models: { path: string; sha256: string; bytes: number }[];
  counts: { patients: number; photographs: number };
  /** The newest audit entry in the copied database: the audit log's anchor as of this backup. */
  auditHead?: { id: number; hash: string } | null;
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** The backup folder and the data folder lay photographs out as the image store does. */
export const storePath = (root: string, sha256: string) => new ImageStore(root).pathFor(sha256);

/** Every file of a folder, relative paths, recursively (empty when there is no folder). */
async function filesUnder(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(folder, path.join(e.parentPath, e.name)))
      .sort();
  } catch {
    return [];
  }
}

/** Copies a file to `target` through a temporary name, so a copy cut short never looks whole. */
export async function copyWhole(source: string, target: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await copyFile(source, temp);
    await chmod(temp, 0o600);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export interface BackupSource {
  db: Database;
  dataDir: string;
  appVersion: string;
}

/**
 * Backs the clinic up into `folder` while the app keeps working: the database through SQLite's online backup
 * (a consistent copy, whatever is written meanwhile), the photographs it names into the shared store (new ones
 * only), local models, and a manifest of checksums. The snapshot appears only when complete.
 */
export async function createBackup(
  source: BackupSource,
  folder: string,
  now = new Date(),
): Promise<BackupSummary> {
  if (!path.isAbsolute(folder)) throw new AppError('INVALID_INPUT', 'Give the backup folder as a full path.');
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const snapshots = path.join(folder, 'snapshots');
  const partial = path.join(snapshots, `${stamp}.partial`);
  const done = path.join(snapshots, stamp);
  // What a killed backup left: unfinished snapshots and half-copied photographs (never named by a manifest).
  removeOldLeftovers(snapshots, (n) => n.endsWith('.partial'), 0);
  removeOldLeftovers(path.join(folder, 'images'), (n) => n.endsWith('.tmp'), 1);
  await mkdir(partial, { recursive: true, mode: 0o700 });
  try {
    const dbFile = path.join(partial, 'eyenet.sqlite');
    await source.db.backup(dbFile);
    await chmod(dbFile, 0o600); // SQLite's backup creates it with the default mode: it holds patients' records
    const shas = namedFiles(source.db);
    const images: BackupManifest['images'] = [];
    for (const sha256 of shas) {
      const from = storePath(path.join(source.dataDir, 'images'), sha256);
      const to = storePath(path.join(folder, 'images'), sha256);
      if (!(await exists(from))) continue; // a file already missing from the store: verify says so on restore
      if (!(await exists(to))) await copyWhole(from, to);
      images.push({ sha256, bytes: (await stat(to)).size });
    }
    const models: BackupManifest['models'] = [];
    const modelsDir = path.join(source.dataDir, 'models');
    for (const rel of await filesUnder(modelsDir)) {
      if (rel.split(path.sep)[0]!.endsWith('.partial')) continue;
      await copyWhole(path.join(modelsDir, rel), path.join(partial, 'models', rel));
      const file = path.join(partial, 'models', rel);
      models.push({
        path: path.join('models', rel),
        sha256: await sha256File(file),
        bytes: (await stat(file)).size,
      });
    }
    const count = (sql: string) => (source.db.prepare(sql).get() as { n: number }).n;
    const manifest: BackupManifest = {
      format: 'eyenet-backup-1',
      createdAt: now.toISOString(),
      appVersion: source.appVersion,
      schemaVersion: schemaVersion(source.db),
      database: { file: 'eyenet.sqlite', sha256: await sha256File(dbFile), bytes: (await stat(dbFile)).size },
      images,
      models,
      counts: {
        patients: count('SELECT COUNT(*) AS n FROM patients WHERE deleted_at IS NULL'),
        photographs: count('SELECT COUNT(*) AS n FROM images WHERE deleted_at IS NULL'),
      },
      auditHead: newestAuditEntry(dbFile),
    };
    await writeFile(path.join(partial, MANIFEST), JSON.stringify(manifest, null, 2), { mode: 0o600 });
    await rename(partial, done);
    return summary(done, manifest);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

export /** The id and hash of the newest audit entry of a database file (null without one). */
function newestAuditEntry(file: string): { id: number; hash: string } | null {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return (
      (db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
        { id: number; hash: string } | undefined) ?? null
    );
  } finally {
    db.close();
  }
}

export function summary(dir: string, manifest: BackupManifest): BackupSummary {
  return {
    folder: dir,
    createdAt: manifest.createdAt,
    patients: manifest.counts.patients,
    photographs: manifest.counts.photographs,
    bytes: manifest.database.bytes + manifest.images.reduce((n, i) => n + i.bytes, 0),
  };
}

export async function readManifest(snapshot: string): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(snapshot, MANIFEST), 'utf8')) as BackupManifest;
  } catch {
    throw new AppError('INVALID_INPUT', `${snapshot} is not an EyeNet backup (no readable ${MANIFEST}).`);
  }
  if (manifest.format !== 'eyenet-backup-1')
    throw new AppError('INVALID_INPUT', `${snapshot} is a backup of a format this EyeNet does not know.`);
  return manifest;
}

/**
 * The newest `limit` backups in a backup folder, newest first. Only their manifests are read: each lists every
 * photograph, and a year of daily backups would be a lot to read for a list of the last few.
 */
export async function listBackups(folder: string, limit: number): Promise<BackupSummary[]> {
  const snapshots = path.join(folder, 'snapshots');
  let names: string[];
  try {
    names = (await readdir(snapshots)).filter((n) => !n.endsWith('.partial'));
  } catch {
    return [];
  }
  const out: BackupSummary[] = [];
  for (const name of names.sort().reverse()) {
    if (out.length >= limit) break;
    try {
      out.push(summary(path.join(snapshots, name), await readManifest(path.join(snapshots, name))));
    } catch {
      // not a snapshot: skipped
    }
  }
  return out;
}

/** The snapshot's backup folder (for the shared photograph store). */
export const backupRootOf = (snapshot: string) => path.dirname(path.dirname(path.resolve(snapshot)));

/** Every file of a snapshot checked against its manifest's SHA-256; the problems, in sentences. */
export async function verifyBackup(snapshot: string): Promise<string[]> {
  const manifest = await readManifest(snapshot);
  const problems: string[] = [];
  const check = async (file: string, sha256: string, what: string) => {
    if (!(await exists(file))) problems.push(`${what} is missing (${file}).`);
    else if ((await sha256File(file)) !== sha256)
      problems.push(`${what} does not match its checksum (${file}).`);
  };
  await check(path.join(snapshot, manifest.database.file), manifest.database.sha256, 'The database');
  const store = path.join(backupRootOf(snapshot), 'images');
  for (const image of manifest.images)
    await check(storePath(store, image.sha256), image.sha256, 'A photograph');
  for (const model of manifest.models)
    await check(path.join(snapshot, model.path), model.sha256, 'A model file');
  return problems;
}
