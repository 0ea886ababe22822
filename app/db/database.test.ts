import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-helpers.ts';
import { migrate, openDatabase, openMemoryDatabase, schemaVersion } from './database.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations.ts';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('database', () => {
  it('migrates a new database to the latest schema with foreign keys on', () => {
    const db = openMemoryDatabase();
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['images', 'patients', 'results', 'visits']));
    db.close();
  });

  it('uses WAL on a file database and reopens without migrating again', () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const file = path.join(tmp.dir, 'e.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.prepare("INSERT INTO patients (clinic_id, name, created_at) VALUES ('A1', 'A', 'now')").run();
    db.close();
    const again = openDatabase(file);
    expect(again.prepare('SELECT COUNT(*) AS n FROM patients').get()).toEqual({ n: 1 });
    again.close();
  });

  it('refuses a database written by a newer app and leaves it untouched', () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const file = path.join(tmp.dir, 'e.sqlite');
    const db = openDatabase(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrowError(expect.objectContaining({ code: 'DB_TOO_NEW' }));
  });

  it('applies pending migrations in one transaction: a failing one rolls all of them back', () => {
    const db = openMemoryDatabase([]);
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: LATEST_SCHEMA_VERSION + 1,
        name: 'broken',
        up: (d) => d.exec('CREATE TABLE oops (; nonsense'),
      },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'patients'").get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('never stores a grade for an ungradable image', () => {
    const db = openMemoryDatabase();
    db.exec(`INSERT INTO patients (id, clinic_id, name, created_at) VALUES (1, 'A', 'A', 'now');
             INSERT INTO visits (id, patient_id, date, created_at) VALUES (1, 1, '2026-01-01', 'now');
             INSERT INTO images (id, visit_id, eye, file_name, sha256, mime_type, width, height, imported_at)
               VALUES (1, 1, 'OS', 'a.jpeg', 'x', 'image/jpeg', 1, 1, 'now');`);
    const insert = (gradable: number, grade: number | null) =>
      db
        .prepare(
          `INSERT INTO results (image_id, model_name, model_version, model_validated, preprocessing, backend, gradable,
             quality_reasons, quality_metrics, grade, decode_ms, preprocess_ms, inference_ms, total_ms, created_at)
           VALUES (1, 'm', '1', 0, 'p', 'wasm', ?, '[]', '{}', ?, 0, 0, 0, 0, 'now')`,
        )
        .run(gradable, grade);
    expect(() => insert(0, 3)).toThrow(/CHECK constraint/);
    expect(() => insert(0, null)).not.toThrow();
    db.close();
  });
});
