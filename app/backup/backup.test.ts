import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupStatus } from '../../contract/index.ts';
import { ORIGINALS_DIR } from '../../model/testing/test-images.ts';
import { verifyAuditChain } from '../audit/audit-log.ts';
import { openDatabase, openMemoryDatabase } from '../db/database.ts';
import { staffDispatch, tempDir, testContext, value } from '../test-helpers.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createBackup, sha256File } from './backup.ts';
import { BackupService } from './backup-service.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function folder(prefix: string) {
  const tmp = tempDir(prefix);
  cleanups.push(tmp.remove);
  return tmp.dir;
}

function restore(snapshot: string, dataDir: string, faultAt?: string) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', 'app/backup/backup-cli.ts', 'restore', '--backup', snapshot, '--data-dir', dataDir],
    { encoding: 'utf8', timeout: 60_000, env: { ...process.env, EYENET_FAULT_AT: faultAt ?? '' } },
  );
}

/** A record with one patient, backed up, then a second patient added: the backup and the live record differ. */
async function recordWithBackup(): Promise<{ dataDir: string; snapshot: string }> {
  const dataDir = folder('eyenet-clinic-');
  const backupDir = folder('eyenet-backups-');
  const db = openDatabase(path.join(dataDir, 'eyenet.sqlite'));
  createPatient(db, { clinicId: 'R-1', name: 'Rhea Restore' });
  const { folder: snapshot } = await createBackup({ db, dataDir, appVersion: 't' }, backupDir);
  createPatient(db, { clinicId: 'R-2', name: 'Added After' });
  db.close();
  return { dataDir, snapshot };
}

const patientsIn = (dataDir: string) => {
  const db = openDatabase(path.join(dataDir, 'eyenet.sqlite'));
  try {
    return (db.prepare('SELECT clinic_id FROM patients ORDER BY id').all() as { clinic_id: string }[]).map(
      (r) => r.clinic_id,
    );
  } finally {
    db.close();
  }
};

function storeFiles(dataDir: string): string[] {
  return readdirSync(path.join(dataDir, 'images'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('backup and restore', () => {
  it('backs up while running, then restores a damaged record exactly as it was', async () => {
    const dataDir = folder('eyenet-clinic-');
    const backupDir = folder('eyenet-backups-');
    const ctx = testContext(dataDir);
    let open = true;
    cleanups.push(() => (open ? ctx.close() : undefined));
    await ctx.grading.ready;
    const dispatch = staffDispatch(ctx);
    const patient = await value<{ id: number }>(
      dispatch('patients:create', { clinicId: 'B-1', name: 'Bea Backup' }),
    );
    for (const name of ['10_left', '10_right'])
      await value(
        dispatch('images:import', {
          visit: { patientId: patient.id, date: '2026-11-30' },
          eye: name.endsWith('left') ? 'OS' : 'OD',
          fileName: `${name}.jpeg`,
          bytes: new Uint8Array(readFileSync(path.join(ORIGINALS_DIR, `${name}.jpeg`))),
        }),
      );
    expect(await dispatch('backups:setFolder', { folder: path.join(dataDir, 'inside') })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/outside EyeNet’s data folder/) },
    });
    await value(dispatch('backups:setFolder', { folder: backupDir }));
    const status = await value<BackupStatus>(dispatch('backups:run', {}));
    expect(status).toMatchObject({
      running: false,
      lastError: null,
      backups: [{ patients: 1, photographs: 2 }],
    });
    const snapshot = status.backups[0]!.folder;
    const snapshotOfRecord = openDatabase(path.join(snapshot, 'eyenet.sqlite'));
    const expected = snapshotOfRecord.prepare('SELECT id, sha256, file_name FROM images ORDER BY id').all();
    snapshotOfRecord.close();
    const files = new Map(storeFiles(dataDir).map((f) => [f, readFileSync(f)]));

    // Restoring under a running EyeNet is refused.
    expect(restore(snapshot, dataDir)).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/in use by EyeNet \(process \d+/),
    });
    await ctx.close();
    open = false;

    // Damage: the database header scribbled over, a photograph deleted, another one altered.
    const dbFile = path.join(dataDir, 'eyenet.sqlite');
    const db = readFileSync(dbFile);
    db.fill(0x5a, 0, 100);
    writeFileSync(dbFile, db);
    const [first, second] = [...files.keys()];
    rmSync(first!);
    writeFileSync(second!, 'not the photograph any more');

    const restored = restore(snapshot, dataDir);
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    expect(restored.stdout).toMatch(/Restored the backup .* 1 patients, 2 photographs/);
    const back = openDatabase(dbFile);
    expect(back.prepare('SELECT id, sha256, file_name FROM images ORDER BY id').all()).toEqual(expected);
    expect(verifyAuditChain(back)).toMatchObject({ ok: true });
    expect(back.prepare('SELECT action FROM audit_log ORDER BY id DESC LIMIT 1').get()).toEqual({
      action: 'backup:restored',
    });
    back.close();
    for (const [file, bytes] of files) expect(readFileSync(file)).toEqual(bytes);
    // The damaged database is kept beside the restored one, not thrown away.
    expect(readdirSync(dataDir).some((f) => f.startsWith('eyenet.sqlite.replaced-'))).toBe(true);
  });

  it('refuses a backup whose files do not match their checksums, changing nothing', async () => {
    const dataDir = folder('eyenet-clinic-');
    const backupDir = folder('eyenet-backups-');
    const ctx = testContext(dataDir);
    await ctx.grading.ready;
    const dispatch = staffDispatch(ctx);
    const patient = await value<{ id: number }>(
      dispatch('patients:create', { clinicId: 'B-2', name: 'Ben' }),
    );
    await value(
      dispatch('images:import', {
        visit: { patientId: patient.id, date: '2026-11-30' },
        eye: 'OS',
        fileName: '13_left.jpeg',
        bytes: new Uint8Array(readFileSync(path.join(ORIGINALS_DIR, '13_left.jpeg'))),
      }),
    );
    await value(dispatch('backups:setFolder', { folder: backupDir }));
    const snapshot = (await value<BackupStatus>(dispatch('backups:run', {}))).backups[0]!.folder;
    await ctx.close();
    const stored = readdirSync(path.join(backupDir, 'images'), { recursive: true, withFileTypes: true }).find(
      (e) => e.isFile(),
    )!;
    writeFileSync(path.join(stored.parentPath, stored.name), 'bit rot');
    const before = await sha256File(path.join(dataDir, 'eyenet.sqlite'));
    const refused = restore(snapshot, dataDir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/cannot be restored: A photograph does not match its checksum/);
    expect(await sha256File(path.join(dataDir, 'eyenet.sqlite'))).toBe(before);
  });

  it.each([
    ['restore:copied', ['R-1', 'R-2']],
    ['restore:journal', ['R-1']],
    ['restore:kept-aside', ['R-1']],
    ['restore:swapped', ['R-1']],
  ])(
    'a restore killed at %s leaves a whole record: the next start finishes or undoes it',
    async (point, after) => {
      const { dataDir, snapshot } = await recordWithBackup();
      const killed = restore(snapshot, dataDir, point);
      expect(killed.signal).toBe('SIGKILL');
      // Never a moment without a database under the live name.
      expect(patientsIn(dataDir).length).toBeGreaterThan(0);
      const ctx = testContext(dataDir);
      await ctx.close();
      expect(patientsIn(dataDir)).toEqual(after);
      const left = readdirSync(dataDir);
      expect(left.filter((f) => /restoring|journal|\.tmp$/.test(f))).toEqual([]);
      if (after.length === 1) {
        const db = openDatabase(path.join(dataDir, 'eyenet.sqlite'));
        expect(
          db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'backup:restored'").get(),
        ).toEqual({
          n: 1,
        });
        expect(verifyAuditChain(db)).toMatchObject({ ok: true });
        db.close();
        expect(left.some((f) => f.startsWith('eyenet.sqlite.replaced-'))).toBe(true);
      }
    },
  );

  it('never starts an empty record in a folder that holds records without a database', async () => {
    const { dataDir } = await recordWithBackup();
    renameSync(path.join(dataDir, 'eyenet.sqlite'), path.join(dataDir, 'eyenet.sqlite.replaced-by-hand'));
    expect(() => testContext(dataDir)).toThrow(/holds an earlier database .* but no database/);
    expect(existsSync(path.join(dataDir, 'eyenet.sqlite'))).toBe(false);
  });

  it('one EyeNet per data folder: a second one, or a restore, is refused while the first runs', async () => {
    const { dataDir, snapshot } = await recordWithBackup();
    const first = testContext(dataDir);
    try {
      expect(() => testContext(dataDir)).toThrow(/in use by EyeNet \(process \d+/);
      const refused = restore(snapshot, dataDir);
      expect(refused.status).toBe(2);
      expect(patientsIn(dataDir)).toEqual(['R-1', 'R-2']);
    } finally {
      await first.close();
    }
    // Released when it stops (and by the OS if it crashes): the restore may run now.
    expect(restore(snapshot, dataDir).status).toBe(0);
  });

  it('refuses a manifest that names a file outside the data folder, writing nothing', async () => {
    const { dataDir, snapshot } = await recordWithBackup();
    const manifestFile = path.join(snapshot, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { models: unknown[] };
    writeFileSync(path.join(snapshot, 'evil.txt'), 'x');
    manifest.models.push({
      path: 'models/../../evil.txt',
      sha256: await sha256File(path.join(snapshot, 'evil.txt')),
      bytes: 1,
    });
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const refused = restore(snapshot, dataDir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/names a file outside its folder \(models\/\.\.\/\.\.\/evil\.txt\)/);
    expect(existsSync(path.join(path.dirname(dataDir), 'evil.txt'))).toBe(false);
    expect(patientsIn(dataDir)).toEqual(['R-1', 'R-2']);
  });

  it('writes backups for the owner only, clears what a killed backup left, and takes no folder a link or the system hides', async () => {
    const { dataDir } = await recordWithBackup();
    const backupDir = folder('eyenet-backups-');
    const old = new Date(Date.now() - 3_600_000);
    mkdirSync(path.join(backupDir, 'snapshots', '2026-12-01T00-00-00-000Z.partial'), { recursive: true });
    mkdirSync(path.join(backupDir, 'images', 'ab'), { recursive: true });
    writeFileSync(path.join(backupDir, 'images', 'ab', 'ab12.1234.tmp'), 'half a photograph');
    utimesSync(path.join(backupDir, 'snapshots', '2026-12-01T00-00-00-000Z.partial'), old, old);
    utimesSync(path.join(backupDir, 'images', 'ab', 'ab12.1234.tmp'), old, old);
    const db = openDatabase(path.join(dataDir, 'eyenet.sqlite'));
    cleanups.push(() => void db.close());
    const done = await createBackup({ db, dataDir, appVersion: 't' }, backupDir);
    expect(statSync(path.join(done.folder, 'eyenet.sqlite')).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.join(backupDir, 'snapshots'))).toEqual([path.basename(done.folder)]);
    expect(existsSync(path.join(backupDir, 'images', 'ab', 'ab12.1234.tmp'))).toBe(false);

    const service = new BackupService({ db, dataDir, appVersion: 't' });
    const link = path.join(backupDir, 'looks-outside');
    symlinkSync(dataDir, link);
    expect(() => service.setFolder(path.join(link, 'backups'))).toThrow(
      /outside EyeNet’s data folder \(this path leads into it through a link\)/,
    );
    expect(() => service.setFolder(dataDir)).toThrow(/outside EyeNet’s data folder/);
    expect(() => service.setFolder('/etc/eyenet-backups')).toThrow(/folder of the operating system/);
  });

  it('backs up daily: when none is there, not again the same day, again a day later', async () => {
    const dataDir = folder('eyenet-clinic-');
    const backupDir = folder('eyenet-backups-');
    const db = openMemoryDatabase();
    cleanups.push(() => void db.close());
    let now = new Date('2026-12-01T08:00:00Z');
    const service = new BackupService({ db, dataDir, appVersion: 't' }, () => now);
    await service.runIfDue(); // no folder chosen: nothing
    service.setFolder(backupDir);
    await service.runIfDue();
    now = new Date('2026-12-01T20:00:00Z');
    await service.runIfDue();
    expect((await service.status()).backups).toHaveLength(1);
    now = new Date('2026-12-02T08:00:00Z');
    await service.runIfDue();
    expect((await service.status()).backups.map((b) => b.createdAt)).toEqual([
      '2026-12-02T08:00:00.000Z',
      '2026-12-01T08:00:00.000Z',
    ]);
  });
});
