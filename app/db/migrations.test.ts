// Upgrade tests in the manner of Signal-Desktop's: build the schema at N−1, insert rows as the app of that
// version wrote them, migrate to N, and check the rows survived and still mean the same to today's code.
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../audit/audit-log.ts';
import { migrate, openMemoryDatabase, schemaVersion } from './database.ts';
import { findDicomImage, getImage } from './images-repo.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.ts';
import { getPatient, listPatients } from './patients-repo.ts';
import { getVisit, updateVisit } from './visits-repo.ts';
import { MAX_FAILURES, beginLoginAttempt } from './login-attempts-repo.ts';
import { findLogin } from './users-repo.ts';
import { toResult, type ResultRow } from './results-repo.ts';
import { readingOf } from './reviews-repo.ts';

/** A database as the app at schema `version` left it. */
function databaseAt(version: number): Database {
  const db = openMemoryDatabase(MIGRATIONS.filter((m) => m.version <= version));
  expect(schemaVersion(db)).toBe(version);
  return db;
}

/** Rows version 1 wrote: a patient, a visit, a graded photograph and an ungradable one. */
function seedVersion1(db: Database): void {
  db.exec(`
    INSERT INTO patients (id, clinic_id, name, date_of_birth, sex, created_at)
      VALUES (1, 'A-17', 'Ana Silva', '1961-04-02', 'female', '2026-11-20T09:00:00.000Z');
    INSERT INTO visits (id, patient_id, date, created_at) VALUES (1, 1, '2026-11-20', '2026-11-20T09:01:00.000Z');
    INSERT INTO images (id, visit_id, eye, file_name, sha256, mime_type, width, height, thumbnail_sha256, imported_at)
      VALUES (1, 1, 'OD', 'A-17_right.jpeg', '${'a'.repeat(64)}', 'image/jpeg', 3872, 2592, '${'b'.repeat(64)}', '2026-11-20T09:02:00.000Z'),
             (2, 1, 'OS', 'A-17_left.jpeg', '${'c'.repeat(64)}', 'image/jpeg', 3872, 2592, NULL, '2026-11-20T09:03:00.000Z');
    INSERT INTO results (id, image_id, model_name, model_version, model_validated, preprocessing, backend, gradable,
        quality_reasons, quality_metrics, grade, p0, p1, p2, p3, p4, referable_probability, preview_sha256,
        decode_ms, preprocess_ms, inference_ms, total_ms, created_at)
      VALUES (1, 1, 'eyenet-mnv2-dr', '1.0.0', 0, 'retina-lan-v1', 'wasm', 1, '[]', '{"sharpness":0.4}', 2,
              0.1, 0.2, 0.5, 0.15, 0.05, 0.7, NULL, 12, 30, 60, 110, '2026-11-20T09:02:01.000Z'),
             (2, 2, 'eyenet-mnv2-dr', '1.0.0', 0, 'retina-lan-v1', 'wasm', 0, '["too_dark"]', '{}', NULL,
              NULL, NULL, NULL, NULL, NULL, NULL, NULL, 12, 30, 0, 50, '2026-11-20T09:03:01.000Z');
  `);
}

describe('migration 2: heatmaps, operating points, settings', () => {
  it('keeps version-1 results as they were, with no heatmap and no recorded operating point', () => {
    const db = databaseAt(1);
    seedVersion1(db);
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 2),
    );
    expect(schemaVersion(db)).toBe(2);
    const row = db
      .prepare('SELECT heatmap_sha256, heatmap_ms, referable_threshold FROM results WHERE id = 1')
      .get();
    expect(row).toEqual({ heatmap_sha256: null, heatmap_ms: 0, referable_threshold: null });
    expect(db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 0 });
    // The ungradable result still cannot carry a grade.
    expect(() => db.exec('UPDATE results SET grade = 1 WHERE id = 2')).toThrow(/CHECK/);
  });
});

describe('migration 3: diabetes history, operator and camera, reviews', () => {
  it('keeps patients, visits and results, which read the same through today’s repositories', () => {
    const db = databaseAt(2);
    seedVersion1(db);
    db.exec(
      "UPDATE results SET referable_threshold = 0.18, heatmap_sha256 = '" + 'd'.repeat(64) + "' WHERE id = 1",
    );
    db.exec(`INSERT INTO settings (key, value) VALUES ('referableThreshold', '0.25')`);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);

    const patient = getPatient(db, 1);
    expect(patient).toMatchObject({
      clinicId: 'A-17',
      name: 'Ana Silva',
      dateOfBirth: '1961-04-02',
      sex: 'female',
      diabetesType: null,
      diagnosisYear: null,
      notes: '',
      updatedAt: null,
      lastVisitDate: '2026-11-20',
    });
    expect(listPatients(db).map((p) => p.clinicId)).toEqual(['A-17']);
    expect(getVisit(db, 1)).toMatchObject({ date: '2026-11-20', operator: '', camera: '' });

    const graded = getImage(db, 1).result!;
    expect(graded).toMatchObject({
      grade: 2,
      referableThreshold: 0.18,
      hasHeatmap: true,
      model: { name: 'eyenet-mnv2-dr', version: '1.0.0', validated: false },
      backend: 'wasm',
    });
    expect(graded.probabilities).toEqual([0.1, 0.2, 0.5, 0.15, 0.05]);
    const ungradable = getImage(db, 2);
    expect(ungradable.result).toMatchObject({
      grade: null,
      quality: { gradable: false, reasons: ['too_dark'] },
    });
    expect(ungradable.review).toBeNull();
    expect(db.prepare('SELECT value FROM settings').get()).toEqual({ value: '0.25' });
  });

  it('adds reviews that keep both grades and refuse an override without a reason', () => {
    const db = databaseAt(2);
    seedVersion1(db);
    migrate(db);
    const insert = db.prepare(
      `INSERT INTO reviews (result_id, model_grade, clinician_grade, action, reason, reviewer, reviewed_at)
       VALUES (1, 2, ?, ?, ?, 'Dr Rao', '2026-11-21T10:00:00.000Z')`,
    );
    expect(() => insert.run(3, 'override', '')).toThrow(/CHECK/);
    insert.run(3, 'override', 'haemorrhages in four quadrants');
    expect(getImage(db, 1).review).toMatchObject({ modelGrade: 2, clinicianGrade: 3, reviewer: 'Dr Rao' });
  });
});

describe('migration 4: tombstones, the record of changes, decided policies', () => {
  it('keeps every record live and stores the policy then in force with each earlier review', () => {
    const db = databaseAt(3);
    seedVersion1(db);
    db.exec(
      `INSERT INTO settings (key, value) VALUES ('referralPolicy', '{"2":{"action":"refer","months":6}}')`,
    );
    db.exec(`INSERT INTO reviews (result_id, model_grade, clinician_grade, action, reason, reviewer, reviewed_at)
             VALUES (1, 2, 2, 'accept', '', 'Dr Rao', '2026-11-21T10:00:00.000Z')`);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(listPatients(db).map((p) => p.clinicId)).toEqual(['A-17']);
    const review = getImage(db, 1).review!;
    expect(review.referralPolicy?.['2']).toEqual({ action: 'refer', months: 6 });
    expect(review.referralPolicy?.['3']).toEqual({ action: 'refer_urgent', months: null });
    expect(db.prepare('SELECT count(*) AS n FROM record_changes').get()).toEqual({ n: 0 });
  });
});

describe('migration 5: DICOM identity, the watch-folder log', () => {
  it('keeps earlier photographs as non-DICOM ones and starts an empty watch log', () => {
    const db = databaseAt(4);
    seedVersion1(db);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(getImage(db, 1)).toMatchObject({ fileName: 'A-17_right.jpeg', dicom: null });
    expect(findDicomImage(db, '1.2.3', 0)).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM watch_files').get()).toEqual({ n: 0 });
  });
});

describe('migration 6: accounts, the audit chain, edit versions', () => {
  it('starts every earlier patient and visit at version 1, with no accounts and an empty, guarded audit log', () => {
    const db = databaseAt(5);
    seedVersion1(db);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(getPatient(db, 1)).toMatchObject({ name: 'Ana Silva', version: 1 });
    expect(getVisit(db, 1)).toMatchObject({ date: '2026-11-20', version: 1 });
    // The first start after the upgrade asks for the administrator, as a new installation does.
    expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 });
    expect(verifyAuditChain(db)).toEqual({ ok: true, entries: 0, head: null, broken: null });
    appendAudit(db, {
      userId: null,
      username: 'x',
      role: '',
      action: 'auth:setup',
      kind: 'change',
      patientId: null,
      request: {},
    });
    expect(() => db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
  });
});

describe('migration 7: sign-in attempts kept in the record', () => {
  it('keeps accounts and their audit entries, and starts every name with no failed attempts', () => {
    const db = databaseAt(6);
    seedVersion1(db);
    db.exec(`
      INSERT INTO users (id, username, display_name, role, password_hash, created_at)
        VALUES (1, 'admin', 'Ada Admin', 'administrator', 'scrypt$32768$8$1$AAAA$AAAA', '2026-12-01T08:00:00.000Z');
    `);
    appendAudit(db, {
      userId: 1,
      username: 'admin',
      role: 'administrator',
      action: 'auth:setup',
      kind: 'change',
      patientId: null,
      request: {},
    });
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(findLogin(db, 'ADMIN')?.user).toMatchObject({ username: 'admin', role: 'administrator' });
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, entries: 1 });
    for (let i = 0; i < MAX_FAILURES; i++) expect(beginLoginAttempt(db, 'admin', 1000)).toBe(true);
    expect(beginLoginAttempt(db, 'Admin', 2000)).toBe(false);
  });
});

describe('migration 8: obscured regions', () => {
  it('keeps earlier verdicts as they were, with no regions named', () => {
    const db = databaseAt(7);
    seedVersion1(db);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const rows = db.prepare('SELECT * FROM results ORDER BY id').all() as ResultRow[];
    expect(rows.map((r) => toResult(r).quality)).toEqual([
      { gradable: true, reasons: [], metrics: { sharpness: 0.4 } },
      { gradable: false, reasons: ['too_dark'], metrics: {} },
    ]);
  });
});

describe('migration 9: visit findings and sign-offs', () => {
  it('keeps earlier visits with nothing recorded and no sign-off, and takes findings from then on', () => {
    const db = databaseAt(8);
    seedVersion1(db);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(getVisit(db, 1)).toMatchObject({
      date: '2026-11-20',
      visualAcuity: { right: '', left: '' },
      dilated: null,
      hba1c: null,
    });
    expect(db.prepare('SELECT COUNT(*) AS n FROM visit_signoffs').get()).toEqual({ n: 0 });
    const after = updateVisit(db, 1, {
      date: '2026-11-20',
      operator: '',
      camera: '',
      version: getVisit(db, 1).version,
      visualAcuity: { right: '6/9', left: '6/12' },
      dilated: true,
      hba1c: { value: 58, unit: 'mmol/mol' },
    });
    expect(after).toMatchObject({ dilated: true, hba1c: { value: 58, unit: 'mmol/mol' } });
  });
});

describe('migration 10: referral tracking', () => {
  it('starts every earlier visit with no referral step, and keeps steps in order with their outcome', () => {
    const db = databaseAt(9);
    seedVersion1(db);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT COUNT(*) AS n FROM referral_events').get()).toEqual({ n: 0 });
    expect(() =>
      db
        .prepare(
          "INSERT INTO referral_events (visit_id, step, on_date, recorded_by, recorded_at) VALUES (1, 'lost', '2026-11-21', 'x', 'x')",
        )
        .run(),
    ).toThrow(/CHECK/);
  });
});

describe('migration 11: second reading', () => {
  it('keeps every earlier review as a complete first reading', () => {
    const db = databaseAt(10);
    seedVersion1(db);
    db.exec(`
      INSERT INTO reviews (id, result_id, model_grade, clinician_grade, action, reason, reviewer, reviewed_at)
        VALUES (1, 1, 2, 2, 'accept', '', 'Dr Lee', '2026-11-20T10:00:00.000Z');
    `);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const rows = db.prepare('SELECT * FROM reviews').all() as Parameters<typeof readingOf>[0];
    expect(readingOf(rows)).toMatchObject({ state: 'complete', first: { grade: 2, reviewer: 'Dr Lee' } });
  });
});

describe('migration 12: the camera of each photograph', () => {
  it('keeps earlier photographs with no camera of their own', () => {
    const db = databaseAt(11);
    seedVersion1(db);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(getImage(db, 1).dicom).toBeNull();
    expect(db.prepare('SELECT camera FROM images WHERE id = 1').get()).toEqual({ camera: '' });
  });
});

describe('migration 13: maculopathy', () => {
  it('keeps earlier results as not assessed and earlier reviews with no M0/M1, and refuses a status it does not know', () => {
    const db = databaseAt(12);
    seedVersion1(db);
    db.exec(`
      INSERT INTO reviews (id, result_id, model_grade, clinician_grade, action, reason, reviewer, reviewed_at)
        VALUES (1, 1, 2, 2, 'accept', '', 'Dr Lee', '2026-11-20T10:00:00.000Z');
    `);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const image = getImage(db, 1);
    expect(image.result).toMatchObject({
      maculopathy: { status: 'not_assessed' },
      hasMaculopathyEvidence: false,
    });
    expect(image.review).toMatchObject({ clinicianGrade: 2, clinicianMaculopathy: null });
    expect(() => db.prepare("UPDATE results SET maculopathy_status = 'maybe' WHERE id = 1").run()).toThrow(
      /CHECK/,
    );
    expect(() => db.prepare('UPDATE reviews SET clinician_maculopathy = 2 WHERE id = 1').run()).toThrow(
      /CHECK/,
    );
  });
});

describe('migration 14: PACS servers, pulled studies and the outbox', () => {
  it('keeps the record and starts with no server, no pulled study and nothing to send; refuses a state it does not know', () => {
    const db = databaseAt(13);
    seedVersion1(db);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(getImage(db, 1)).toBeTruthy();
    for (const table of ['pacs_servers', 'pacs_studies', 'pacs_outbox'])
      expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    db.exec(
      `INSERT INTO pacs_servers (id, name, url, created_at) VALUES (1, 'PACS', 'http://pacs/dicom-web', 'now')`,
    );
    expect(() =>
      db
        .prepare(
          `INSERT INTO pacs_outbox (server_id, visit_id, version, state, next_attempt_at, queued_by, created_at)
           VALUES (1, 1, 'v', 'lost', 'now', 'x', 'now')`,
        )
        .run(),
    ).toThrow(/CHECK/);
  });
});

describe('migration 15: the workstation in the audit log', () => {
  it('keeps earlier entries verifiable, and chains new entries with their workstation after them', () => {
    const db = databaseAt(14);
    seedVersion1(db);
    appendAudit(db, {
      userId: null,
      username: 'admin',
      role: 'administrator',
      action: 'auth:setup',
      kind: 'change',
      patientId: null,
      request: {},
    });
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    appendAudit(db, {
      userId: null,
      username: 'admin',
      role: 'administrator',
      action: 'auth:logout',
      kind: 'security',
      patientId: null,
      request: {},
      workstation: '192.168.1.20',
    });
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, entries: 2 });
    expect(db.prepare('SELECT workstation FROM audit_log ORDER BY id').all()).toEqual([
      { workstation: null },
      { workstation: '192.168.1.20' },
    ]);
  });
});
