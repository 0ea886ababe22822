// Correcting the record without losing history: every change is logged (who, when, what before and after, why),
// deletions are tombstones that can be restored, and a photograph's results and reviews follow it when it moves.
import type {
  DeletedRecord,
  FundusImage,
  ImageMove,
  Patient,
  PatientMerge,
  RecordKind,
  Visit,
  VisitUpdate,
} from '../../contract/index.ts';
import { EYE_LABELS } from '../../domain/eye.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from '../db/database.ts';
import { findImage, getImage, getStoredImage, moveImage } from '../db/images-repo.ts';
import { getPatient } from '../db/patients-repo.ts';
import {
  clearDeleted,
  listDeleted,
  logChange,
  markDeleted,
  tombstoneOf,
  type NewChange,
} from '../db/records-repo.ts';
import { getVisit, updateVisit, visitOnDate, visitsOfPatients } from '../db/visits-repo.ts';

/** A correction and the signed-in person who makes it (kept in the record of changes). */
export type By<T> = T & { changedBy: string };

function needReason(reason: string, what: string): string {
  const text = reason.trim();
  if (!text) throw new AppError('INVALID_INPUT', `Say why you ${what}: the reason is kept with the record.`);
  return text;
}

export function editVisit(db: Database, input: By<VisitUpdate>): Visit {
  return db.transaction(() => {
    const before = getVisit(db, input.id);
    const after = updateVisit(db, input.id, input);
    const fields = (v: Visit) => ({
      date: v.date,
      operator: v.operator,
      camera: v.camera,
      visualAcuity: v.visualAcuity,
      dilated: v.dilated,
      hba1c: v.hba1c,
    });
    if (JSON.stringify(fields(before)) !== JSON.stringify(fields(after)))
      logChange(db, {
        entity: 'visit',
        entityId: input.id,
        patientId: before.patientId,
        action: 'edit',
        before: fields(before),
        after: fields(after),
        changedBy: input.changedBy,
      });
    return after;
  })();
}

/** Moves a photograph to the other eye or another visit (of this or another patient). */
export function moveImageTo(db: Database, input: By<ImageMove>): FundusImage {
  const reason = needReason(input.reason, 'move this photograph');
  return db.transaction(() => {
    const image = getStoredImage(db, input.imageId);
    const from = getVisit(db, image.visitId);
    const to = getVisit(db, input.visitId ?? image.visitId);
    const eye = input.eye ?? image.eye;
    if (to.id === from.id && eye === image.eye)
      throw new AppError('INVALID_INPUT', 'The photograph is already in that visit and eye.');
    if (findImage(db, to.id, eye, image.sha256))
      throw new AppError(
        'CONFLICT',
        `The visit of ${to.date} already has this photograph as its ${EYE_LABELS[eye]}.`,
      );
    moveImage(db, image.id, to.id, eye);
    const change = {
      entity: 'image',
      entityId: image.id,
      action: 'move',
      before: { visitId: from.id, visitDate: from.date, eye: image.eye, patientId: from.patientId },
      after: { visitId: to.id, visitDate: to.date, eye, patientId: to.patientId },
      changedBy: input.changedBy,
      reason,
    } as const;
    logChange(db, { ...change, patientId: from.patientId });
    if (to.patientId !== from.patientId) logChange(db, { ...change, patientId: to.patientId });
    return getImage(db, image.id);
  })();
}

/** The patient a record belongs to; NOT_FOUND unless it is live (not deleted, nor inside something deleted). */
function liveOwner(db: Database, kind: RecordKind, id: number): number {
  if (kind === 'patient') return getPatient(db, id).id;
  if (kind === 'visit') return getVisit(db, id).patientId;
  return getVisit(db, getStoredImage(db, id).visitId).patientId;
}

export function deleteRecord(
  db: Database,
  input: { kind: RecordKind; id: number; changedBy: string; reason: string },
): DeletedRecord {
  const reason = needReason(
    input.reason,
    `delete this ${input.kind === 'image' ? 'photograph' : input.kind}`,
  );
  return db.transaction(() => {
    const patientId = liveOwner(db, input.kind, input.id);
    markDeleted(db, input.kind, input.id, input.changedBy, reason);
    logChange(db, {
      entity: input.kind,
      entityId: input.id,
      patientId,
      action: 'delete',
      before: { deleted: false },
      after: { deleted: true },
      changedBy: input.changedBy,
      reason,
    });
    return listDeleted(db).find((r) => r.kind === input.kind && r.id === input.id)!;
  })();
}

interface MergeRecord {
  mergedInto: number;
  /** Visits that moved to the kept patient whole. */
  movedVisits: number[];
  /** Photographs that moved into the kept patient's visit of the same date. */
  movedImages: { imageId: number; fromVisitId: number }[];
  /** Photographs already in the kept patient's visit, deleted as duplicates. */
  duplicates: number[];
}

export function restoreRecord(
  db: Database,
  input: { kind: RecordKind; id: number; changedBy: string },
): void {
  db.transaction(() => {
    const stone = tombstoneOf(db, input.kind, input.id);
    if (!stone.deleted_at) throw new AppError('CONFLICT', `This ${input.kind} is not deleted.`);
    let patientId: number;
    let after: Record<string, unknown> = { deleted: false };
    if (input.kind === 'patient') {
      patientId = input.id;
      const merge = lastMerge(db, input.id);
      if (merge) {
        undoMerge(db, input.id, merge);
        after = { deleted: false, unmergedFrom: merge.mergedInto };
      }
    } else if (input.kind === 'visit') {
      const row = prepared<[number], { patient_id: number }>(
        db,
        'SELECT patient_id FROM visits WHERE id = ?',
      ).get(input.id)!;
      getPatient(db, row.patient_id); // the patient must be live: restore the patient first
      patientId = row.patient_id;
    } else {
      const row = prepared<[number], { visit_id: number }>(
        db,
        'SELECT visit_id FROM images WHERE id = ?',
      ).get(input.id)!;
      patientId = getVisit(db, row.visit_id).patientId; // the visit must be live
    }
    clearDeleted(db, input.kind, input.id);
    logChange(db, {
      entity: input.kind,
      entityId: input.id,
      patientId,
      action: 'restore',
      before: { deleted: true, deletedBy: stone.deleted_by, reason: stone.deleted_reason },
      after,
      changedBy: input.changedBy,
    });
  })();
}

function lastMerge(db: Database, patientId: number): MergeRecord | null {
  const row = prepared<[number], { after: string; merged_into: number | null }>(
    db,
    `SELECT c.after, p.merged_into FROM record_changes c JOIN patients p ON p.id = c.entity_id
       WHERE c.entity = 'patient' AND c.entity_id = ? AND c.action = 'merge' ORDER BY c.id DESC LIMIT 1`,
  ).get(patientId);
  if (!row || row.merged_into === null) return null;
  return JSON.parse(row.after) as MergeRecord;
}

function undoMerge(db: Database, patientId: number, merge: MergeRecord): void {
  for (const visitId of merge.movedVisits)
    prepared(db, 'UPDATE visits SET patient_id = ? WHERE id = ?').run(patientId, visitId);
  for (const moved of merge.movedImages)
    prepared(db, 'UPDATE images SET visit_id = ? WHERE id = ?').run(moved.fromVisitId, moved.imageId);
  for (const id of merge.duplicates) clearDeleted(db, 'image', id);
  prepared(db, 'UPDATE patients SET merged_into = NULL WHERE id = ?').run(patientId);
}

/**
 * Merges a patient registered twice: the duplicate's visits move to the kept registration (photographs of a
 * visit on a date both have move into the kept visit), then the duplicate becomes a tombstone that says where it
 * went. The kept patient's fields stay as they are. Restoring the duplicate undoes the merge.
 */
export function mergePatients(db: Database, input: By<PatientMerge>): Patient {
  const reason = needReason(input.reason, 'merge these patients');
  if (input.keepId === input.mergeId) throw new AppError('INVALID_INPUT', 'Choose two different patients.');
  return db.transaction(() => {
    const keep = getPatient(db, input.keepId);
    const dup = getPatient(db, input.mergeId);
    const record: MergeRecord = { mergedInto: keep.id, movedVisits: [], movedImages: [], duplicates: [] };
    for (const visit of visitsOfPatients(db, [dup.id]).get(dup.id) ?? []) {
      const target = visitOnDate(db, keep.id, visit.date);
      if (target?.deleted)
        throw new AppError(
          'CONFLICT',
          `${keep.name} has a deleted visit on ${visit.date}. Restore it first, then merge again.`,
        );
      if (!target) {
        prepared(db, 'UPDATE visits SET patient_id = ? WHERE id = ?').run(keep.id, visit.id);
        record.movedVisits.push(visit.id);
        continue;
      }
      const images = prepared<[number], { id: number; eye: 'OD' | 'OS'; sha256: string }>(
        db,
        'SELECT id, eye, sha256 FROM images WHERE visit_id = ? AND deleted_at IS NULL',
      ).all(visit.id);
      for (const image of images) {
        if (findImage(db, target.id, image.eye, image.sha256)) {
          markDeleted(db, 'image', image.id, input.changedBy, `Duplicate of a photograph of ${keep.name}`);
          record.duplicates.push(image.id);
        } else {
          moveImage(db, image.id, target.id, image.eye);
          record.movedImages.push({ imageId: image.id, fromVisitId: visit.id });
        }
      }
    }
    markDeleted(db, 'patient', dup.id, input.changedBy, reason);
    prepared(db, 'UPDATE patients SET merged_into = ? WHERE id = ?').run(keep.id, dup.id);
    const change: Omit<NewChange, 'patientId' | 'entityId'> = {
      entity: 'patient',
      action: 'merge',
      before: { clinicId: dup.clinicId, name: dup.name },
      after: record as unknown as Record<string, unknown>,
      changedBy: input.changedBy,
      reason,
    };
    logChange(db, { ...change, entityId: dup.id, patientId: dup.id });
    logChange(db, { ...change, entityId: dup.id, patientId: keep.id });
    return getPatient(db, keep.id);
  })();
}
