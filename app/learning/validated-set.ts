import type { Disagreement, ValidatedSetSummary } from '../../contract/index.ts';
import type { Eye } from '../../domain/eye.ts';
import { isReferableGrade } from '../../domain/grades.ts';
import { isReferable } from '../../domain/referable.ts';
import { prepared, type Database } from '../db/database.ts';

export { HELD_OUT_FRACTION, isHeldOut } from '../../training/local/split.ts';

/** A photograph of the validated set: it passed the quality gate, and a clinician confirmed or set its grade. */
export interface ValidatedPhotograph {
  imageId: number;
  patientId: number;
  clinicId: string;
  eye: Eye;
  sha256: string;
  /** The clinician's grade: the label a fine-tune learns. */
  grade: number;
  modelGrade: number;
  referableProbability: number;
  referableThreshold: number | null;
  /** The clinician's maculopathy reading (true M1, false M0), or null when none was recorded. */
  maculopathy: boolean | null;
}

interface Row {
  image_id: number;
  patient_id: number;
  clinic_id: string;
  name: string;
  visit_date: string;
  eye: Eye;
  file_name: string;
  sha256: string;
  gradable: number;
  model_grade: number | null;
  referable_probability: number | null;
  referable_threshold: number | null;
  clinician_grade: number | null;
  clinician_maculopathy: number | null;
  review_id: number | null;
  reviewer: string | null;
  reviewed_at: string | null;
}

/** Every live photograph with its latest result and that result's latest review, oldest review first. */
function rows(db: Database): Row[] {
  return prepared<[], Row>(
    db,
    `SELECT i.id AS image_id, p.id AS patient_id, p.clinic_id, p.name, v.date AS visit_date, i.eye, i.file_name,
         i.sha256, r.gradable, r.grade AS model_grade, r.referable_probability, r.referable_threshold,
         rv.clinician_grade, rv.clinician_maculopathy, rv.id AS review_id, rv.reviewer, rv.reviewed_at
       FROM images i
       JOIN visits v ON v.id = i.visit_id AND v.deleted_at IS NULL
       JOIN patients p ON p.id = v.patient_id AND p.deleted_at IS NULL
       JOIN results r ON r.id = (SELECT MAX(id) FROM results WHERE image_id = i.id)
       LEFT JOIN reviews rv ON rv.id = (SELECT MAX(id) FROM reviews WHERE result_id = r.id)
       WHERE i.deleted_at IS NULL
       ORDER BY rv.reviewed_at, i.id`,
  ).all();
}

export interface ValidatedSet {
  photographs: ValidatedPhotograph[];
  summary: ValidatedSetSummary;
  disagreements: Disagreement[];
}

/** Disagreements worth a second look: two grades or more apart, or on opposite sides of the referable line. */
function disagrees(row: Row): boolean {
  if (row.model_grade === null || row.clinician_grade === null) return false;
  const modelReferable = isReferable({
    referableProbability: row.referable_probability,
    referableThreshold: row.referable_threshold,
  });
  return (
    Math.abs(row.model_grade - row.clinician_grade) >= 2 ||
    modelReferable !== isReferableGrade(row.clinician_grade)
  );
}

/**
 * The clinic's validated set. Ungradable photographs never enter it (the quality gate's verdict stands, whatever
 * grade was typed), nor unreviewed ones; a photograph imported twice counts once, with its latest review.
 */
export function validatedSet(db: Database): ValidatedSet {
  const all = rows(db);
  const excluded = { ungradable: 0, unreviewed: 0, duplicates: 0 };
  const bySha = new Map<string, Row>();
  const disagreements: Disagreement[] = [];
  for (const row of all) {
    if (!row.gradable) {
      excluded.ungradable++;
      continue;
    }
    if (row.review_id === null || row.clinician_grade === null) {
      excluded.unreviewed++;
      continue;
    }
    if (bySha.has(row.sha256)) excluded.duplicates++;
    // Ordered by review time: the latest review of the same photograph wins.
    bySha.set(row.sha256, row);
  }
  const photographs: ValidatedPhotograph[] = [];
  for (const row of bySha.values()) {
    photographs.push({
      imageId: row.image_id,
      patientId: row.patient_id,
      clinicId: row.clinic_id,
      eye: row.eye,
      sha256: row.sha256,
      grade: row.clinician_grade!,
      modelGrade: row.model_grade!,
      referableProbability: row.referable_probability!,
      referableThreshold: row.referable_threshold,
      maculopathy: row.clinician_maculopathy === null ? null : row.clinician_maculopathy === 1,
    });
    if (disagrees(row))
      disagreements.push({
        imageId: row.image_id,
        patient: { id: row.patient_id, clinicId: row.clinic_id, name: row.name },
        visitDate: row.visit_date,
        eye: row.eye,
        fileName: row.file_name,
        modelGrade: row.model_grade!,
        modelFlag: {
          referable: isReferable({
            referableProbability: row.referable_probability,
            referableThreshold: row.referable_threshold,
          }),
          probability: row.referable_probability!,
          threshold: row.referable_threshold,
        },
        clinicianGrade: row.clinician_grade!,
        reviewer: row.reviewer!,
        reviewedAt: row.reviewed_at!,
      });
  }
  const byGrade: ValidatedSetSummary['byGrade'] = [0, 0, 0, 0, 0];
  for (const p of photographs) byGrade[p.grade]!++;
  const patients = new Set(photographs.map((p) => p.patientId));
  const referablePatients = new Set(
    photographs.filter((p) => isReferableGrade(p.grade)).map((p) => p.patientId),
  );
  return {
    photographs,
    summary: {
      photographs: photographs.length,
      patients: patients.size,
      byGrade,
      referablePatients: referablePatients.size,
      maculopathyReadings: {
        m1: photographs.filter((p) => p.maculopathy === true).length,
        m0: photographs.filter((p) => p.maculopathy === false).length,
      },
      excluded,
    },
    disagreements: disagreements.sort(
      (a, b) => Math.abs(b.modelGrade - b.clinicianGrade) - Math.abs(a.modelGrade - a.clinicianGrade),
    ),
  };
}
