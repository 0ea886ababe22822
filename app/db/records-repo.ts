import type { DeletedRecord, RecordChange, RecordKind } from '../../contract/index.ts';
import { EYE_LABELS } from '../../domain/eye.ts';
import type { Eye } from '../../domain/eye.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from './database.ts';

const TABLE: Record<RecordKind, 'patients' | 'visits' | 'images'> = {
  patient: 'patients',
  visit: 'visits',
  image: 'images',
};

interface ChangeRow {
  id: number;
  entity: RecordKind;
  entity_id: number;
  action: RecordChange['action'];
  before: string;
  after: string;
  changed_by: string;
  reason: string;
  changed_at: string;
}

export interface NewChange {
  entity: RecordKind;
  entityId: number;
  /** The patient whose record this is, so the patient's page can show its history. */
  patientId: number;
  action: RecordChange['action'];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  changedBy: string;
  reason?: string;
}

/** Appends one correction to the record of changes; nothing ever updates or deletes these rows. */
export function logChange(db: Database, change: NewChange, now: Date = new Date()): void {
  prepared(
    db,
    `INSERT INTO record_changes (entity, entity_id, patient_id, action, before, after, changed_by, reason, changed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    change.entity,
    change.entityId,
    change.patientId,
    change.action,
    JSON.stringify(change.before),
    JSON.stringify(change.after),
    change.changedBy,
    change.reason ?? '',
    now.toISOString(),
  );
}

/** Every correction to one patient's record, newest first. */
export function listChanges(db: Database, patientId: number): RecordChange[] {
  return prepared<[number], ChangeRow>(
    db,
    'SELECT * FROM record_changes WHERE patient_id = ? ORDER BY id DESC',
  )
    .all(patientId)
    .map((row) => ({
      id: row.id,
      entity: row.entity,
      entityId: row.entity_id,
      action: row.action,
      before: JSON.parse(row.before) as Record<string, unknown>,
      after: JSON.parse(row.after) as Record<string, unknown>,
      changedBy: row.changed_by,
      reason: row.reason,
      changedAt: row.changed_at,
    }));
}

interface Tombstone {
  deleted_at: string | null;
  deleted_by: string | null;
  deleted_reason: string | null;
}

/** The tombstone fields of one row; NOT_FOUND when the row does not exist at all. */
export function tombstoneOf(db: Database, kind: RecordKind, id: number): Tombstone {
  const row = prepared<[number], Tombstone>(
    db,
    `SELECT deleted_at, deleted_by, deleted_reason FROM ${TABLE[kind]} WHERE id = ?`,
  ).get(id);
  if (!row) throw new AppError('NOT_FOUND', `No ${kind} with id ${id}.`);
  return row;
}

export function markDeleted(
  db: Database,
  kind: RecordKind,
  id: number,
  by: string,
  reason: string,
  now: Date = new Date(),
): void {
  prepared(
    db,
    `UPDATE ${TABLE[kind]} SET deleted_at = ?, deleted_by = ?, deleted_reason = ? WHERE id = ?`,
  ).run(now.toISOString(), by, reason, id);
}

export function clearDeleted(db: Database, kind: RecordKind, id: number): void {
  prepared(
    db,
    `UPDATE ${TABLE[kind]} SET deleted_at = NULL, deleted_by = NULL, deleted_reason = NULL WHERE id = ?`,
  ).run(id);
}

interface DeletedRow {
  kind: RecordKind;
  id: number;
  patient_id: number;
  clinic_id: string;
  name: string;
  visit_date: string | null;
  eye: Eye | null;
  file_name: string | null;
  deleted_at: string;
  deleted_by: string;
  deleted_reason: string;
  merged_into: number | null;
  merged_clinic_id: string | null;
  merged_name: string | null;
}

/** Every tombstone, newest first: deleted patients, visits and photographs. */
export function listDeleted(db: Database): DeletedRecord[] {
  const rows = prepared<[], DeletedRow>(
    db,
    `SELECT 'patient' AS kind, p.id, p.id AS patient_id, p.clinic_id, p.name, NULL AS visit_date, NULL AS eye,
         NULL AS file_name, p.deleted_at AS deleted_at, p.deleted_by AS deleted_by,
         p.deleted_reason AS deleted_reason, p.merged_into AS merged_into,
         m.clinic_id AS merged_clinic_id, m.name AS merged_name
       FROM patients p LEFT JOIN patients m ON m.id = p.merged_into WHERE p.deleted_at IS NOT NULL
     UNION ALL
     SELECT 'visit', v.id, p.id, p.clinic_id, p.name, v.date, NULL, NULL, v.deleted_at, v.deleted_by,
         v.deleted_reason, NULL, NULL, NULL
       FROM visits v JOIN patients p ON p.id = v.patient_id WHERE v.deleted_at IS NOT NULL
     UNION ALL
     SELECT 'image', i.id, p.id, p.clinic_id, p.name, v.date, i.eye, i.file_name, i.deleted_at, i.deleted_by,
         i.deleted_reason, NULL, NULL, NULL
       FROM images i JOIN visits v ON v.id = i.visit_id JOIN patients p ON p.id = v.patient_id
       WHERE i.deleted_at IS NOT NULL
     ORDER BY deleted_at DESC`,
  ).all();
  return rows.map((row) => ({
    kind: row.kind,
    id: row.id,
    patient: { id: row.patient_id, clinicId: row.clinic_id, name: row.name },
    label:
      row.kind === 'patient'
        ? `${row.name} (${row.clinic_id})`
        : row.kind === 'visit'
          ? `Visit ${row.visit_date}`
          : `Visit ${row.visit_date} · ${EYE_LABELS[row.eye!]} · ${row.file_name}`,
    deletedAt: row.deleted_at,
    deletedBy: row.deleted_by,
    reason: row.deleted_reason,
    mergedInto:
      row.merged_into === null
        ? null
        : { id: row.merged_into, clinicId: row.merged_clinic_id!, name: row.merged_name! },
  }));
}
