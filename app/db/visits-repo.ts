import type { NewVisit, Visit } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from './database.ts';
import { getPatient } from './patients-repo.ts';

interface VisitRow {
  id: number;
  patient_id: number;
  date: string;
  operator: string;
  camera: string;
  created_at: string;
}

function toVisit(row: VisitRow): Visit {
  return {
    id: row.id,
    patientId: row.patient_id,
    date: row.date,
    operator: row.operator,
    camera: row.camera,
    createdAt: row.created_at,
  };
}

export function getVisit(db: Database, id: number): Visit {
  const row = prepared<[number], VisitRow>(db, 'SELECT * FROM visits WHERE id = ?').get(id);
  if (!row) throw new AppError('NOT_FOUND', `No visit with id ${id}.`);
  return toVisit(row);
}

export function listVisits(db: Database, patientId: number): Visit[] {
  return prepared<[number], VisitRow>(db, 'SELECT * FROM visits WHERE patient_id = ? ORDER BY date DESC')
    .all(patientId)
    .map(toVisit);
}

/** Each patient's latest visit (by date), for several patients in one query. */
export function latestVisits(db: Database, patientIds: readonly number[]): Map<number, Visit> {
  const rows = prepared<[string], VisitRow>(
    db,
    `SELECT v.* FROM visits v
       WHERE v.patient_id IN (SELECT value FROM json_each(?))
         AND v.id = (SELECT id FROM visits WHERE patient_id = v.patient_id ORDER BY date DESC, id DESC LIMIT 1)`,
  ).all(JSON.stringify(patientIds));
  return new Map(rows.map((row) => [row.patient_id, toVisit(row)]));
}

/**
 * One visit per patient and date: asking again for the same date returns the visit that exists, filling in
 * operator and camera where they were left empty (a batch import adds them to a visit started by hand).
 */
export function createVisit(db: Database, input: NewVisit, now: Date = new Date()): Visit {
  getPatient(db, input.patientId);
  const existing = prepared<[number, string], VisitRow>(
    db,
    'SELECT * FROM visits WHERE patient_id = ? AND date = ?',
  ).get(input.patientId, input.date);
  if (existing) {
    prepared(
      db,
      `UPDATE visits SET operator = CASE WHEN operator = '' THEN ? ELSE operator END,
         camera = CASE WHEN camera = '' THEN ? ELSE camera END WHERE id = ?`,
    ).run(input.operator ?? '', input.camera ?? '', existing.id);
    return getVisit(db, existing.id);
  }
  const info = prepared(
    db,
    'INSERT INTO visits (patient_id, date, operator, camera, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(input.patientId, input.date, input.operator ?? '', input.camera ?? '', now.toISOString());
  return getVisit(db, Number(info.lastInsertRowid));
}

export function updateVisit(db: Database, id: number, operator: string, camera: string): Visit {
  getVisit(db, id);
  prepared(db, 'UPDATE visits SET operator = ?, camera = ? WHERE id = ?').run(operator, camera, id);
  return getVisit(db, id);
}
