import type { Visit } from '../api/contract/types.ts';
import { AppError } from '../api/errors.ts';
import type { Database } from './database.ts';
import { getPatient } from './patients-repo.ts';

interface VisitRow {
  id: number;
  patient_id: number;
  date: string;
  created_at: string;
}

function toVisit(row: VisitRow): Visit {
  return { id: row.id, patientId: row.patient_id, date: row.date, createdAt: row.created_at };
}

export function getVisit(db: Database, id: number): Visit {
  const row = db.prepare<[number], VisitRow>('SELECT * FROM visits WHERE id = ?').get(id);
  if (!row) throw new AppError('NOT_FOUND', `No visit with id ${id}.`);
  return toVisit(row);
}

export function listVisits(db: Database, patientId: number): Visit[] {
  return db
    .prepare<[number], VisitRow>('SELECT * FROM visits WHERE patient_id = ? ORDER BY date DESC')
    .all(patientId)
    .map(toVisit);
}

/** One visit per patient and date: asking again for the same date returns the visit that exists. */
export function createVisit(db: Database, patientId: number, date: string, now: Date = new Date()): Visit {
  getPatient(db, patientId);
  const existing = db
    .prepare<[number, string], VisitRow>('SELECT * FROM visits WHERE patient_id = ? AND date = ?')
    .get(patientId, date);
  if (existing) return toVisit(existing);
  const info = db
    .prepare('INSERT INTO visits (patient_id, date, created_at) VALUES (?, ?, ?)')
    .run(patientId, date, now.toISOString());
  return getVisit(db, Number(info.lastInsertRowid));
}
