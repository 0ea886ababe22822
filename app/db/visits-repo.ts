import type { HbA1c, NewVisit, Visit, VisitFindings } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from './database.ts';
import { assertCurrentVersion } from './versions.ts';
import { getPatient } from './patients-repo.ts';

interface VisitRow {
  id: number;
  patient_id: number;
  date: string;
  operator: string;
  camera: string;
  created_at: string;
  version: number;
  va_right: string;
  va_left: string;
  dilated: number | null;
  hba1c: number | null;
  hba1c_unit: string | null;
}

function toVisit(row: VisitRow): Visit {
  return {
    id: row.id,
    patientId: row.patient_id,
    date: row.date,
    operator: row.operator,
    camera: row.camera,
    createdAt: row.created_at,
    version: row.version,
    visualAcuity: { right: row.va_right, left: row.va_left },
    dilated: row.dilated === null ? null : row.dilated === 1,
    hba1c:
      row.hba1c === null || row.hba1c_unit === null
        ? null
        : { value: row.hba1c, unit: row.hba1c_unit as HbA1c['unit'] },
  };
}

/** The findings as stored: one value per column. */
function findingColumns(f: Partial<VisitFindings>) {
  return {
    va_right: f.visualAcuity?.right ?? '',
    va_left: f.visualAcuity?.left ?? '',
    dilated: f.dilated === undefined || f.dilated === null ? null : f.dilated ? 1 : 0,
    hba1c: f.hba1c?.value ?? null,
    hba1c_unit: f.hba1c?.unit ?? null,
  };
}

/** A visit that is not deleted (a deleted one, or one of a deleted patient, is NOT_FOUND). */
export function getVisit(db: Database, id: number): Visit {
  const row = prepared<[number], VisitRow>(
    db,
    `SELECT v.* FROM visits v JOIN patients p ON p.id = v.patient_id
       WHERE v.id = ? AND v.deleted_at IS NULL AND p.deleted_at IS NULL`,
  ).get(id);
  if (!row) throw new AppError('NOT_FOUND', `No visit with id ${id}.`);
  return toVisit(row);
}

export function listVisits(db: Database, patientId: number): Visit[] {
  return prepared<[number], VisitRow>(
    db,
    'SELECT * FROM visits WHERE patient_id = ? AND deleted_at IS NULL ORDER BY date DESC',
  )
    .all(patientId)
    .map(toVisit);
}

/** The visits of several patients in one query, by patient, newest first (deleted ones left out). */
export function visitsOfPatients(db: Database, patientIds: readonly number[]): Map<number, Visit[]> {
  const byPatient = new Map<number, Visit[]>(patientIds.map((id) => [id, []]));
  const rows = prepared<[string], VisitRow>(
    db,
    `SELECT * FROM visits WHERE patient_id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL
       ORDER BY date DESC, id DESC`,
  ).all(JSON.stringify(patientIds));
  for (const row of rows) byPatient.get(row.patient_id)?.push(toVisit(row));
  return byPatient;
}

/** The patients with a live visit between two dates (inclusive, ISO dates), for exports over a range. */
export function patientsWithVisitsBetween(db: Database, from: string, to: string): number[] {
  return prepared<[string, string], { patient_id: number }>(
    db,
    `SELECT DISTINCT v.patient_id FROM visits v JOIN patients p ON p.id = v.patient_id
       WHERE v.date BETWEEN ? AND ? AND v.deleted_at IS NULL AND p.deleted_at IS NULL ORDER BY v.patient_id`,
  )
    .all(from, to)
    .map((r) => r.patient_id);
}

/**
 * One visit per patient and date: asking again for the same date returns the visit that exists, filling in
 * operator and camera where they were left empty (a batch import adds them to a visit started by hand).
 */
export function createVisit(db: Database, input: NewVisit, now: Date = new Date()): Visit {
  getPatient(db, input.patientId);
  const existing = prepared<[number, string], VisitRow & { deleted_at: string | null }>(
    db,
    'SELECT * FROM visits WHERE patient_id = ? AND date = ?',
  ).get(input.patientId, input.date);
  if (existing?.deleted_at)
    throw new AppError(
      'CONFLICT',
      `This patient's visit of ${input.date} was deleted. Restore it (Deleted records), or choose another date.`,
    );
  if (existing) {
    prepared(
      db,
      `UPDATE visits SET operator = CASE WHEN operator = '' THEN ? ELSE operator END,
         camera = CASE WHEN camera = '' THEN ? ELSE camera END WHERE id = ?`,
    ).run(input.operator ?? '', input.camera ?? '', existing.id);
    return getVisit(db, existing.id);
  }
  const f = findingColumns(input);
  const info = prepared(
    db,
    `INSERT INTO visits (patient_id, date, operator, camera, created_at, va_right, va_left, dilated, hba1c,
       hba1c_unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    input.patientId,
    input.date,
    input.operator ?? '',
    input.camera ?? '',
    now.toISOString(),
    f.va_right,
    f.va_left,
    f.dilated,
    f.hba1c,
    f.hba1c_unit,
  );
  return getVisit(db, Number(info.lastInsertRowid));
}

/** The patient's visit on this date other than `exceptId`, deleted or not, or null. */
export function visitOnDate(
  db: Database,
  patientId: number,
  date: string,
  exceptId = 0,
): (Visit & { deleted: boolean }) | null {
  const row = prepared<[number, string, number], VisitRow & { deleted_at: string | null }>(
    db,
    'SELECT * FROM visits WHERE patient_id = ? AND date = ? AND id != ?',
  ).get(patientId, date, exceptId);
  return row ? { ...toVisit(row), deleted: row.deleted_at !== null } : null;
}

export function updateVisit(
  db: Database,
  id: number,
  fields: { date: string; operator: string; camera: string; version: number } & Partial<VisitFindings>,
): Visit {
  const visit = getVisit(db, id);
  assertCurrentVersion(visit.version, fields.version, `The visit of ${visit.date}`);
  const clash = visitOnDate(db, visit.patientId, fields.date, id);
  if (clash)
    throw new AppError(
      'CONFLICT',
      `This patient already has a${clash.deleted ? ' deleted' : ''} visit on ${fields.date}. ` +
        'Move the photographs to that visit instead of changing the date.',
    );
  // Findings left out of an update keep what was recorded (an older form that does not know them).
  const f = findingColumns({
    visualAcuity: fields.visualAcuity ?? visit.visualAcuity,
    dilated: fields.dilated === undefined ? visit.dilated : fields.dilated,
    hba1c: fields.hba1c === undefined ? visit.hba1c : fields.hba1c,
  });
  prepared(
    db,
    `UPDATE visits SET date = ?, operator = ?, camera = ?, va_right = ?, va_left = ?, dilated = ?, hba1c = ?,
       hba1c_unit = ?, version = version + 1 WHERE id = ?`,
  ).run(
    fields.date,
    fields.operator,
    fields.camera,
    f.va_right,
    f.va_left,
    f.dilated,
    f.hba1c,
    f.hba1c_unit,
    id,
  );
  return getVisit(db, id);
}
