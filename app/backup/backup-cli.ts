// `npm run backup -- --to FOLDER [--data-dir DIR]`: backs a clinic's record up now (EyeNet may be running).
// `npm run restore -- --backup SNAPSHOT [--data-dir DIR]`: restores a snapshot (EyeNet must be closed).
// Errors are sentences; exit 2 on a usage error or a refusal, 1 when the backup itself is damaged.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isAppError } from '../../domain/errors.ts';
import { openDatabase } from '../db/database.ts';
import { lockDataFolder } from '../services/data-lock.ts';
import { defaultDataDir, packageVersion, projectRoot } from '../services/paths.ts';
import { createBackup } from './backup.ts';
import { restoreBackup } from './restore.ts';

const mode = process.argv[2];
const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    to: { type: 'string' },
    backup: { type: 'string' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
const USAGE =
  mode === 'restore'
    ? 'Usage: npm run restore -- --backup <snapshot folder> [--data-dir DIR]   (close EyeNet first)'
    : 'Usage: npm run backup -- --to <backup folder> [--data-dir DIR]';

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

try {
  if (mode === 'backup') {
    if (!values.to) fail(`Give the backup folder with --to.\n${USAGE}`);
    const dbFile = path.join(dataDir, 'eyenet.sqlite');
    if (!existsSync(dbFile))
      fail(`No EyeNet record in ${dataDir} (no eyenet.sqlite there). Give --data-dir.`);
    const db = openDatabase(dbFile);
    try {
      const done = await createBackup(
        { db, dataDir, appVersion: packageVersion(projectRoot()) },
        path.resolve(values.to),
      );
      console.log(
        `Backed up ${done.patients} patients and ${done.photographs} photographs (${mb(done.bytes)}).`,
      );
      console.log(`Snapshot: ${done.folder}`);
    } finally {
      db.close();
    }
  } else if (mode === 'restore') {
    if (!values.backup) fail(`Give the snapshot folder to restore with --backup.\n${USAGE}`);
    // The folder is the restore's alone while it runs: a running EyeNet refuses it, and no EyeNet can start.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const unlock = lockDataFolder(dataDir, 'a restore');
    let done;
    try {
      done = await restoreBackup(path.resolve(values.backup), dataDir);
    } finally {
      unlock();
    }
    console.log(
      `Restored the backup of ${done.createdAt}: ${done.patients} patients, ${done.photographs} photographs. ` +
        'The database it replaced is kept beside it as eyenet.sqlite.replaced-<time>.',
    );
  } else fail('Usage: npm run backup -- --to FOLDER, or npm run restore -- --backup SNAPSHOT');
} catch (error) {
  if (isAppError(error)) fail(error.message, error.code === 'INVALID_INPUT' ? 1 : 2);
  throw error;
}
