import type { NewPatient, Patient } from '../api/contract/types.ts';
import { AppError } from '../api/errors.ts';
import type { Database } from './database.ts';

interface PatientRow {
  id: number;
  clinic_id: string;
  name: string;
  date_of_birth: string | null;
  sex: Patient['sex'];
  created_at: string;
  last_visit_date: string | null;
}

const SELECT = `
  SELECT p.*, (SELECT MAX(v.date) FROM visits v WHERE v.patient_id = p.id) AS last_visit_date
  FROM patients p`;

function toPatient(row: PatientRow): Patient {
  return {
    id: row.id,
    clinicId: row.clinic_id,
    name: row.name,
    dateOfBirth: row.date_of_birth,
    sex: row.sex,
    createdAt: row.created_at,
    lastVisitDate: row.last_visit_date,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function listPatients(db: Database, query = ''): Patient[] {
  const q = query.trim();
  const rows = q
    ? db
        .prepare<[string, string], PatientRow>(
          `${SELECT} WHERE p.name LIKE ? ESCAPE '\\' OR p.clinic_id LIKE ? ESCAPE '\\'
           ORDER BY last_visit_date IS NULL, last_visit_date DESC, p.name COLLATE NOCASE`,
        )
        .all(`%${escapeLike(q)}%`, `%${escapeLike(q)}%`)
    : db
        .prepare<[], PatientRow>(
          `${SELECT} ORDER BY last_visit_date IS NULL, last_visit_date DESC, p.name COLLATE NOCASE`,
        )
        .all();
  return rows.map(toPatient);
}

export function getPatient(db: Database, id: number): Patient {
  const row = db.prepare<[number], PatientRow>(`${SELECT} WHERE p.id = ?`).get(id);
  if (!row) throw new AppError('NOT_FOUND', `No patient with id ${id}.`);
  return toPatient(row);
}

export function createPatient(db: Database, input: NewPatient, now: Date = new Date()): Patient {
  const existing = db
    .prepare<[string], { id: number }>('SELECT id FROM patients WHERE clinic_id = ?')
    .get(input.clinicId);
  if (existing)
    throw new AppError('CONFLICT', `A patient with clinic ID "${input.clinicId}" already exists.`);
  const info = db
    .prepare('INSERT INTO patients (clinic_id, name, date_of_birth, sex, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(input.clinicId, input.name, input.dateOfBirth ?? null, input.sex ?? null, now.toISOString());
  return getPatient(db, Number(info.lastInsertRowid));
}
