import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ORIGINALS_DIR } from '../../model/testing/test-images.ts';
import { createDispatch } from '../api/dispatch.ts';
import { handlers } from '../api/handlers/index.ts';
import { hashPassword } from '../auth/passwords.ts';
import { openDatabase } from '../db/database.ts';
import { openClinicDatabase } from '../db/open-clinic-database.ts';
import { ROLES } from '../../domain/roles.ts';
import { insertUser } from '../db/users-repo.ts';
import { TEST_STAFF, staffDispatch, tempDir, testContext } from '../test-helpers.ts';
import type { AppContext } from './app-context.ts';
import { ImageStore } from './image-store.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function data() {
  const tmp = tempDir('eyenet-faults-');
  cleanups.push(tmp.remove);
  return tmp.dir;
}

function storedFiles(dir: string): string[] {
  const root = path.join(dir, 'images');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

const photo = () => new Uint8Array(readFileSync(path.join(ORIGINALS_DIR, '16_left.jpeg')));

async function clinic(dir: string, store?: ImageStore) {
  const base = testContext(dir);
  cleanups.push(() => base.close());
  await base.grading.ready;
  const ctx: AppContext = store ? { ...base, store } : base;
  const dispatch = staffDispatch(ctx);
  const patient = (await dispatch('patients:create', { clinicId: 'F-1', name: 'Fay Fault' })) as {
    value: { id: number };
  };
  return { ctx, dispatch, patientId: patient.value.id };
}

describe('a full disk', () => {
  it('a database that cannot grow: a sentence that says what to do, and no orphan files', async () => {
    const dir = data();
    const { ctx, dispatch, patientId } = await clinic(dir);
    const before = storedFiles(dir);
    // SQLite's own limit: the file may not grow by a page, as on a full disk.
    // The database may not grow by a page any more, as on a full disk (SQLite's own limit); a trigger makes the
    // import's first row need room, as any real row does once the free space in its pages is used up.
    ctx.db.exec(`CREATE TABLE filler (b BLOB);
      CREATE TRIGGER needs_room AFTER INSERT ON images BEGIN INSERT INTO filler VALUES (zeroblob(65536)); END;`);
    const pages = ctx.db.pragma('page_count', { simple: true }) as number;
    ctx.db.pragma(`max_page_count = ${pages}`);
    const answer = await dispatch('images:import', {
      visit: { patientId, date: '2026-11-30' },
      eye: 'OS',
      fileName: '16_left.jpeg',
      bytes: photo(),
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'STORAGE_FULL', message: expect.stringMatching(/disk .* is full: nothing was saved/) },
    });
    expect(storedFiles(dir)).toEqual(before);
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM images').get()).toEqual({ n: 0 });
  });

  it('a file system that runs out half-way through the files: the ones written are removed again', async () => {
    const dir = data();
    class FillingStore extends ImageStore {
      private writes = 0;
      override async put(bytes: Uint8Array, sha256?: string) {
        if (++this.writes === 3)
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return super.put(bytes, sha256);
      }
    }
    const { dispatch, patientId } = await clinic(dir, new FillingStore(path.join(dir, 'images')));
    const answer = await dispatch('images:import', {
      visit: { patientId, date: '2026-11-30' },
      eye: 'OS',
      fileName: '16_left.jpeg',
      bytes: photo(),
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'STORAGE_FULL' } });
    expect(storedFiles(dir)).toEqual([]);
  });
});

describe('a damaged database', () => {
  it('a file that is not a database: refused with what to do, by serve too (no stack trace)', () => {
    const dir = data();
    writeFileSync(path.join(dir, 'eyenet.sqlite'), Buffer.alloc(8192, 0x5a));
    expect(() => openClinicDatabase(path.join(dir, 'eyenet.sqlite'), dir)).toThrowError(
      expect.objectContaining({
        code: 'DB_DAMAGED',
        message: expect.stringMatching(/Restore the last good backup/),
      }),
    );
    const serve = spawnSync(process.execPath, ['--import', 'tsx', 'app/serve-cli.ts', '--data-dir', dir], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(serve.status).toBe(2);
    expect(serve.stderr).toMatch(/EyeNet cannot open its record\. The EyeNet database .* is damaged/);
    expect(serve.stderr).not.toMatch(/SQLITE_NOTADB|\n\s+at /);
  });

  it('damaged pages: opened read-only, records still readable, no change accepted', async () => {
    const dir = data();
    const file = path.join(dir, 'eyenet.sqlite');
    const db = openDatabase(file);
    for (const role of ROLES) insertUser(db, { ...TEST_STAFF[role], role }, 'x');
    insertUser(
      db,
      { username: 'reader', displayName: 'Rea Reader', role: 'clinician' },
      await hashPassword('rd-secret-0009'),
    );
    const insert = db.prepare(
      "INSERT INTO patients (clinic_id, name, created_at) VALUES (?, ?, '2026-01-01')",
    );
    for (let i = 0; i < 2000; i++) insert.run(`C-${i}`, `Patient number ${i} with a long enough name`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.close();
    // Scribble over the cell pointers of the last pages, where the 2,000 patients went; page 1 (the schema) is
    // left alone, so the file still opens.
    const bytes = readFileSync(file);
    for (let page = pages - 8; page <= pages; page++)
      bytes.fill(0x41, (page - 1) * pageSize + 8, (page - 1) * pageSize + 200);
    writeFileSync(file, bytes);

    const opened = openClinicDatabase(file, dir);
    expect(opened.readOnly).toMatch(/failed its integrity check at start/);
    opened.db.close();

    const ctx = testContext(dir);
    cleanups.push(() => ctx.close());
    const dispatch = staffDispatch(ctx);
    expect(await dispatch('app:info', {})).toMatchObject({
      ok: true,
      value: { readOnly: expect.any(String) },
    });
    expect(await dispatch('patients:create', { clinicId: 'NEW', name: 'New' })).toMatchObject({
      ok: false,
      error: {
        code: 'READ_ONLY',
        message: expect.stringMatching(/read-only.*Restore the last good backup/s),
      },
    });
    expect(await dispatch('settings:get', {})).toMatchObject({ ok: true });
    // Signing in writes nothing, so it still works: a clinician can read the record until it is restored.
    const raw = createDispatch(handlers, ctx, () => undefined);
    const window = { clientId: 'http:read-only-window-0001' };
    expect(await raw('auth:login', { username: 'reader', password: 'rd-secret-0009' }, window)).toMatchObject(
      {
        ok: true,
      },
    );
    expect(await raw('settings:get', {}, window)).toMatchObject({ ok: true });
    // What sits on the damaged pages cannot be read: said so, with what to do, not "something went wrong".
    expect(await raw('patients:list', {}, window)).toMatchObject({
      ok: false,
      error: { code: 'DB_DAMAGED', message: expect.stringMatching(/restore the last backup/) },
    });
    expect(await raw('auth:logout', {}, window)).toMatchObject({ ok: true });
  });
});

describe('what a crash left behind', () => {
  it('sweeps temporary photograph files and unfinished model candidates at start, not fresh ones', async () => {
    const dir = data();
    mkdirSync(path.join(dir, 'images', 'ab'), { recursive: true });
    mkdirSync(path.join(dir, 'models', 'local-7.partial'), { recursive: true });
    const oldTmp = path.join(dir, 'images', 'ab', `ab${'0'.repeat(62)}.1a2b3c.tmp`);
    const freshTmp = path.join(dir, 'images', 'ab', `ab${'1'.repeat(62)}.4d5e6f.tmp`);
    writeFileSync(oldTmp, 'half a photograph');
    writeFileSync(freshTmp, 'being written right now');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(oldTmp, hourAgo, hourAgo);
    utimesSync(path.join(dir, 'models', 'local-7.partial'), hourAgo, hourAgo);
    const ctx = testContext(dir);
    cleanups.push(() => ctx.close());
    expect(existsSync(oldTmp)).toBe(false);
    expect(existsSync(path.join(dir, 'models', 'local-7.partial'))).toBe(false);
    expect(existsSync(freshTmp)).toBe(true);
  });
});

describe('who may read the files', () => {
  it.skipIf(process.platform === 'win32')(
    'keeps the data folder, database and photographs to their owner',
    async () => {
      const dir = data();
      const { dispatch, patientId } = await clinic(dir);
      await dispatch('images:import', {
        visit: { patientId, date: '2026-11-30' },
        eye: 'OS',
        fileName: '16_left.jpeg',
        bytes: photo(),
      });
      const mode = (file: string) => statSync(file).mode & 0o777;
      expect(mode(dir)).toBe(0o700);
      expect(mode(path.join(dir, 'eyenet.sqlite'))).toBe(0o600);
      const images = path.join(dir, 'images');
      expect(mode(images)).toBe(0o700);
      for (const entry of readdirSync(images, { recursive: true, withFileTypes: true }))
        expect(mode(path.join(entry.parentPath, entry.name))).toBe(entry.isDirectory() ? 0o700 : 0o600);
    },
  );
});
