import type { NewPatient, Patient, PatientRef, PatientUpdate } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { assertCurrentVersion } from './versions.ts';
import { prepared, type Database } from './database.ts';

interface PatientRow {
  id: number;
  clinic_id: string;
  name: string;
  date_of_birth: string | null;
  sex: Patient['sex'];
  diabetes_type: Patient['diabetesType'];
  diagnosis_year: number | null;
  notes: string;
  created_at: string;
  updated_at: string | null;
  last_visit_date: string | null;
  version: number;
}

// Deleted patients and visits are tombstones (records-repo.ts): kept, but never listed or found.
const SELECT = `
  SELECT p.*,
    (SELECT MAX(v.date) FROM visits v WHERE v.patient_id = p.id AND v.deleted_at IS NULL) AS last_visit_date
  FROM patients p`;
const LIVE = 'p.deleted_at IS NULL';

function toPatient(row: PatientRow): Patient {
  return {
    id: row.id,
    clinicId: row.clinic_id,
    name: row.name,
    dateOfBirth: row.date_of_birth,
    sex: row.sex,
    diabetesType: row.diabetes_type,
    diagnosisYear: row.diagnosis_year,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastVisitDate: row.last_visit_date,
    version: row.version,
  };
}

/** The few fields that name a patient in a list. */
export function patientRef(patient: Patient): PatientRef {
  return { id: patient.id, clinicId: patient.clinicId, name: patient.name };
}

/** Name and clinic ID of several patients, in one query. */
export function getPatientRefs(db: Database, ids: readonly number[]): Map<number, PatientRef> {
  const rows = prepared<[string], { id: number; clinic_id: string; name: string }>(
    db,
    'SELECT id, clinic_id, name FROM patients WHERE id IN (SELECT value FROM json_each(?))',
  ).all(JSON.stringify(ids));
  return new Map(rows.map((r) => [r.id, { id: r.id, clinicId: r.clinic_id, name: r.name }]));
}

/** Several live patients in one query, by id. */
export function getPatients(db: Database, ids: readonly number[]): Map<number, Patient> {
  const rows = prepared<[string], PatientRow>(
    db,
    `${SELECT} WHERE ${LIVE} AND p.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids));
  return new Map(rows.map((r) => [r.id, toPatient(r)]));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function listPatients(db: Database, query = ''): Patient[] {
  const q = query.trim();
  const rows = q
    ? prepared<[string, string], PatientRow>(
        db,
        `${SELECT} WHERE ${LIVE} AND (p.name LIKE ? ESCAPE '\\' OR p.clinic_id LIKE ? ESCAPE '\\')
           ORDER BY last_visit_date IS NULL, last_visit_date DESC, p.name COLLATE NOCASE`,
      ).all(`%${escapeLike(q)}%`, `%${escapeLike(q)}%`)
    : prepared<[], PatientRow>(
        db,
        `${SELECT} WHERE ${LIVE} ORDER BY last_visit_date IS NULL, last_visit_date DESC, p.name COLLATE NOCASE`,
      ).all();
  return rows.map(toPatient);
}

export function getPatient(db: Database, id: number): Patient {
  const row = prepared<[number], PatientRow & { deleted_at: string | null }>(
    db,
    `${SELECT} WHERE p.id = ?`,
  ).get(id);
  if (!row) throw new AppError('NOT_FOUND', `No patient with id ${id}.`);
  if (row.deleted_at)
    throw new AppError(
      'NOT_FOUND',
      `${row.name} was deleted. Restore the record from Deleted records first.`,
    );
  return toPatient(row);
}

function assertClinicIdFree(db: Database, clinicId: string, exceptId = 0): void {
  const existing = prepared<[string, number], { id: number; name: string; deleted_at: string | null }>(
    db,
    'SELECT id, name, deleted_at FROM patients WHERE clinic_id = ? AND id != ?',
  ).get(clinicId, exceptId);
  if (existing?.deleted_at)
    throw new AppError(
      'CONFLICT',
      `Clinic ID "${clinicId}" belongs to ${existing.name}, whose record was deleted. Restore that record ` +
        '(Deleted records) instead of registering the patient again.',
    );
  if (existing)
    throw new AppError(
      'CONFLICT',
      `Clinic ID "${clinicId}" already belongs to ${existing.name}. Each patient needs their own clinic ID.`,
    );
}

function fields(input: NewPatient) {
  return [
    input.clinicId,
    input.name,
    input.dateOfBirth ?? null,
    input.sex ?? null,
    input.diabetesType ?? null,
    input.diagnosisYear ?? null,
    input.notes ?? '',
  ] as const;
}

export function createPatient(db: Database, input: NewPatient, now: Date = new Date()): Patient {
  assertClinicIdFree(db, input.clinicId);
  const info = prepared(
    db,
    `INSERT INTO patients (clinic_id, name, date_of_birth, sex, diabetes_type, diagnosis_year, notes, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(...fields(input), now.toISOString());
  return getPatient(db, Number(info.lastInsertRowid));
}

/** Replaces every editable field; the clinic ID may change but never to another patient's. */
export function updatePatient(db: Database, input: PatientUpdate, now: Date = new Date()): Patient {
  return db.transaction(() => {
    const current = getPatient(db, input.id);
    assertCurrentVersion(current.version, input.version, `${current.name}'s details`);
    assertClinicIdFree(db, input.clinicId, input.id);
    prepared(
      db,
      `UPDATE patients SET clinic_id = ?, name = ?, date_of_birth = ?, sex = ?, diabetes_type = ?,
         diagnosis_year = ?, notes = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
    ).run(...fields(input), now.toISOString(), input.id);
    return getPatient(db, input.id);
  })();
}

/** The patient with this clinic ID (case-insensitive, as stored), or null. */
export function findPatientByClinicId(db: Database, clinicId: string): Patient | null {
  const row = prepared<[string], PatientRow>(db, `${SELECT} WHERE p.clinic_id = ? AND ${LIVE}`).get(clinicId);
  return row ? toPatient(row) : null;
}
