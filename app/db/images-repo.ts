import type { MaculopathyOutcome } from '../../domain/maculopathy.ts';
import type {
  DicomIdentity,
  Eye,
  FundusImage,
  GradeResult,
  ReferralPolicy,
  Review,
} from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from './database.ts';
import { RESULT_COLUMNS, toResult, type ResultRow } from './results-repo.ts';
import { REVIEW_COLUMNS, readingOf, reviewsOfResults, toReview, type ReviewRow } from './reviews-repo.ts';

interface ImageRow {
  id: number;
  deleted_at: string | null;
  visit_id: number;
  eye: Eye;
  file_name: string;
  sha256: string;
  mime_type: string;
  width: number;
  height: number;
  thumbnail_sha256: string | null;
  imported_at: string;
  dicom_sop_instance_uid: string | null;
  dicom_sop_class_uid: string | null;
  dicom_series_uid: string | null;
  dicom_study_uid: string | null;
  dicom_frame: number | null;
  dicom_sha256: string | null;
  camera: string;
}

export interface StoredImage {
  id: number;
  visitId: number;
  patientId: number;
  eye: Eye;
  sha256: string;
  mimeType: string;
  thumbnailSha256: string | null;
}

export interface NewImage {
  visitId: number;
  eye: Eye;
  fileName: string;
  sha256: string;
  mimeType: string;
  width: number;
  height: number;
  thumbnailSha256: string | null;
  /** Set for a photograph imported from DICOM. */
  dicom?: DicomIdentity & { sha256: string };
}

/**
 * Images with their latest result and that result's latest review, in one statement: lists never run a query
 * per image. Result and review columns come back prefixed (`r_`, `rv_`) beside the image's own.
 */
const SELECT_IMAGES = `SELECT i.*,
    ${RESULT_COLUMNS.map((c) => `r.${c} AS r_${c}`).join(', ')},
    ${REVIEW_COLUMNS.map((c) => `rv.${c} AS rv_${c}`).join(', ')},
    pr.id AS pr_id, pr.model_name AS pr_model_name, pr.model_version AS pr_model_version, pr.grade AS pr_grade,
    pr.referable_probability AS pr_referable_probability, pr.created_at AS pr_created_at,
    prv.id AS prv_id, prv.clinician_grade AS prv_clinician_grade
  FROM images i
  LEFT JOIN results r ON r.id = (SELECT MAX(id) FROM results WHERE image_id = i.id)
  LEFT JOIN reviews rv ON rv.id = (SELECT MAX(id) FROM reviews WHERE result_id = r.id)
  LEFT JOIN results pr ON pr.id = (SELECT MAX(id) FROM results WHERE image_id = i.id AND id < r.id)
  LEFT JOIN reviews prv ON prv.id = (SELECT MAX(id) FROM reviews WHERE result_id = pr.id)`;

/** Deleted photographs are tombstones: kept, never listed or served. */
const LIVE = 'i.deleted_at IS NULL';

type JoinedRow = ImageRow & Record<string, unknown>;

function unprefix<T>(row: JoinedRow, prefix: string, columns: readonly string[]): T | null {
  if (row[`${prefix}id`] === null) return null;
  return Object.fromEntries(columns.map((c) => [c, row[`${prefix}${c}`]])) as T;
}

function dicomOf(row: ImageRow): DicomIdentity | null {
  if (row.dicom_sop_instance_uid === null) return null;
  return {
    sopInstanceUid: row.dicom_sop_instance_uid,
    sopClassUid: row.dicom_sop_class_uid ?? '',
    seriesInstanceUid: row.dicom_series_uid ?? '',
    studyInstanceUid: row.dicom_study_uid ?? '',
    frame: row.dicom_frame ?? 0,
    ...(row.camera ? { camera: row.camera } : {}),
  };
}

/**
 * Fills in each image's readings (first, second, arbitration) and its review history from all its result's
 * reviews: one query.
 */
function withReadings<T extends FundusImage[]>(db: Database, images: T): T {
  const ids = images.flatMap((i) => (i.review && i.result ? [i.result.id] : []));
  if (!ids.length) return images;
  const reviews = reviewsOfResults(db, ids);
  for (const image of images) {
    if (!image.result) continue;
    const rows = reviews.get(image.result.id) ?? [];
    image.reading = readingOf(rows);
    image.reviewHistory = rows.map((r) => ({
      grade: r.clinician_grade,
      reviewer: r.reviewer,
      at: r.reviewed_at,
      reason: r.reason,
      stage: r.stage,
    }));
  }
  return images;
}

function toFundusImage(row: JoinedRow): FundusImage {
  const result = unprefix<ResultRow>(row, 'r_', RESULT_COLUMNS);
  const review = unprefix<ReviewRow>(row, 'rv_', REVIEW_COLUMNS);
  return {
    id: row.id,
    visitId: row.visit_id,
    eye: row.eye,
    fileName: row.file_name,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    importedAt: row.imported_at,
    dicom: dicomOf(row),
    result: result ? toResult(result) : null,
    review: review ? toReview(review) : null,
    reading: null,
    reviewHistory: [],
    earlier:
      row.pr_id === null || row.pr_id === undefined
        ? null
        : {
            resultId: row.pr_id as number,
            modelName: row.pr_model_name as string,
            modelVersion: row.pr_model_version as string,
            grade: row.pr_grade as number | null,
            referableProbability: row.pr_referable_probability as number | null,
            clinicianGrade: row.prv_clinician_grade as number | null,
            reviewed: row.prv_id !== null,
            createdAt: row.pr_created_at as string,
          },
  };
}

export function getImage(db: Database, id: number): FundusImage {
  const row = prepared<[number], JoinedRow>(db, `${SELECT_IMAGES} WHERE i.id = ? AND ${LIVE}`).get(id);
  if (!row) throw new AppError('NOT_FOUND', `No image with id ${id}.`);
  return withReadings(db, [toFundusImage(row)])[0]!;
}

/** Several images by id, in one query (ids not found are left out). */
export function getImages(db: Database, ids: readonly number[]): Map<number, FundusImage> {
  const rows = prepared<[string], JoinedRow>(
    db,
    `${SELECT_IMAGES} WHERE i.id IN (SELECT value FROM json_each(?)) AND ${LIVE}`,
  ).all(JSON.stringify(ids));
  return new Map(withReadings(db, rows.map(toFundusImage)).map((image) => [image.id, image]));
}

export function getStoredImage(db: Database, id: number): StoredImage {
  const row = prepared<[number], ImageRow & { patient_id: number }>(
    db,
    // A photograph of a deleted visit or patient is gone with them, not only one deleted by itself.
    `SELECT i.*, v.patient_id AS patient_id FROM images i
       JOIN visits v ON v.id = i.visit_id AND v.deleted_at IS NULL
       JOIN patients p ON p.id = v.patient_id AND p.deleted_at IS NULL
     WHERE i.id = ? AND i.deleted_at IS NULL`,
  ).get(id);
  if (!row) throw new AppError('NOT_FOUND', `No image with id ${id}.`);
  return {
    id: row.id,
    visitId: row.visit_id,
    patientId: row.patient_id,
    eye: row.eye,
    sha256: row.sha256,
    mimeType: row.mime_type,
    thumbnailSha256: row.thumbnail_sha256,
  };
}

/**
 * This photograph in this visit and eye, if it was imported there. A deleted one blocks a re-import (the
 * photograph is stored once per visit and eye): restore it instead.
 */
export function findImage(db: Database, visitId: number, eye: Eye, sha256: string): FundusImage | null {
  const row = prepared<[number, Eye, string], JoinedRow>(
    db,
    `${SELECT_IMAGES} WHERE i.visit_id = ? AND i.eye = ? AND i.sha256 = ?`,
  ).get(visitId, eye, sha256);
  if (row?.deleted_at)
    throw new AppError(
      'CONFLICT',
      `This photograph was imported for this eye and visit before and then deleted. Restore it (Deleted records) instead.`,
    );
  return row ? withReadings(db, [toFundusImage(row)])[0]! : null;
}

/**
 * The live photograph imported from this DICOM instance and frame, anywhere in the record: the camera's UID
 * names it, so the same file exported again (or re-encoded) is recognised.
 */
export function findDicomImage(db: Database, sopInstanceUid: string, frame: number): FundusImage | null {
  const row = prepared<[string, number], JoinedRow>(
    db,
    `${SELECT_IMAGES} WHERE i.dicom_sop_instance_uid = ? AND i.dicom_frame = ? AND ${LIVE}`,
  ).get(sopInstanceUid, frame);
  return row ? withReadings(db, [toFundusImage(row)])[0]! : null;
}

/** Moves a photograph (with its results and reviews, which hang on its id) to another eye or visit. */
export function moveImage(db: Database, id: number, visitId: number, eye: Eye): void {
  prepared(db, 'UPDATE images SET visit_id = ?, eye = ? WHERE id = ?').run(visitId, eye, id);
}

export function listImagesForVisit(db: Database, visitId: number): FundusImage[] {
  return listImagesForVisits(db, [visitId]).get(visitId) ?? [];
}

/** The images of several visits in one query, by visit (each visit's in eye and import order). */
export function listImagesForVisits(db: Database, visitIds: readonly number[]): Map<number, FundusImage[]> {
  const byVisit = new Map<number, FundusImage[]>(visitIds.map((id) => [id, []]));
  const rows = prepared<[string], JoinedRow>(
    db,
    `${SELECT_IMAGES} WHERE i.visit_id IN (SELECT value FROM json_each(?)) AND ${LIVE}
       ORDER BY i.eye, i.imported_at`,
  ).all(JSON.stringify(visitIds));
  const images = withReadings(db, rows.map(toFundusImage));
  for (const image of images) byVisit.get(image.visitId)?.push(image);
  return byVisit;
}

export function insertImage(db: Database, image: NewImage, now: Date = new Date()): number {
  const info = prepared(
    db,
    `INSERT INTO images (visit_id, eye, file_name, sha256, mime_type, width, height, thumbnail_sha256, imported_at,
         dicom_sop_instance_uid, dicom_sop_class_uid, dicom_series_uid, dicom_study_uid, dicom_frame, dicom_sha256,
         camera)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    image.visitId,
    image.eye,
    image.fileName,
    image.sha256,
    image.mimeType,
    image.width,
    image.height,
    image.thumbnailSha256,
    now.toISOString(),
    image.dicom?.sopInstanceUid ?? null,
    image.dicom?.sopClassUid ?? null,
    image.dicom?.seriesInstanceUid ?? null,
    image.dicom?.studyInstanceUid ?? null,
    image.dicom?.frame ?? null,
    image.dicom?.sha256 ?? null,
    image.dicom?.camera ?? '',
  );
  return Number(info.lastInsertRowid);
}

/**
 * Whether result `r`'s reading is complete (1) or waits for a second reading or arbitration (0), as readingOf()
 * decides it, in SQL for the lists that decide every visit.
 */
export const READING_COMPLETE = `COALESCE((SELECT CASE
    WHEN f.second_required = 0 THEN 1
    WHEN EXISTS (SELECT 1 FROM reviews a WHERE a.result_id = f.result_id AND a.stage = 'arbitration' AND a.id > f.id) THEN 1
    WHEN (SELECT s.clinician_grade IS f.clinician_grade FROM reviews s
            WHERE s.result_id = f.result_id AND s.stage = 'second' AND s.id > f.id ORDER BY s.id LIMIT 1) THEN 1
    ELSE 0 END
  FROM reviews f WHERE f.id = (SELECT MAX(id) FROM reviews WHERE result_id = r.id AND stage = 'first')), 1)`;

/**
 * What the referral decision reads of a photograph: its eye, the model's grade and referable flag, and the
 * clinician's latest review. A FundusImage is one; lists that need only outcomes read just this.
 */
export interface OutcomeImage {
  eye: Eye;
  result: Pick<GradeResult, 'grade' | 'referableProbability' | 'referableThreshold' | 'maculopathy'> | null;
  review: Pick<Review, 'clinicianGrade' | 'reviewedAt' | 'referralPolicy' | 'clinicianMaculopathy'> | null;
  /** False while a required second reading or an arbitration is outstanding (absent: complete). */
  readingComplete?: boolean;
}

interface OutcomeRow {
  visit_id: number;
  eye: Eye;
  result_id: number | null;
  grade: number | null;
  referable_probability: number | null;
  referable_threshold: number | null;
  review_id: number | null;
  clinician_grade: number | null;
  reviewed_at: string | null;
  referral_policy: string | null;
  reading_complete: number | null;
  maculopathy_status: MaculopathyOutcome['status'] | null;
  maculopathy_probability: number | null;
  maculopathy_threshold: number | null;
  clinician_maculopathy: number | null;
}

/**
 * The photographs of several visits as the referral decision reads them, by visit. The patient list, the
 * worklists and the policy preview decide every visit of every patient, so they read these ten columns rather
 * than whole images (some 45 columns each, with their JSON).
 */
export function listOutcomeImagesForVisits(
  db: Database,
  visitIds: readonly number[],
): Map<number, OutcomeImage[]> {
  const byVisit = new Map<number, OutcomeImage[]>(visitIds.map((id) => [id, []]));
  const rows = prepared<[string], OutcomeRow>(
    db,
    `SELECT i.visit_id, i.eye, r.id AS result_id, r.grade, r.referable_probability, r.referable_threshold,
         rv.id AS review_id, rv.clinician_grade, rv.reviewed_at, rv.referral_policy,
         r.maculopathy_status, r.maculopathy_probability, r.maculopathy_threshold, rv.clinician_maculopathy,
         ${READING_COMPLETE} AS reading_complete
       FROM images i
       LEFT JOIN results r ON r.id = (SELECT MAX(id) FROM results WHERE image_id = i.id)
       LEFT JOIN reviews rv ON rv.id = (SELECT MAX(id) FROM reviews WHERE result_id = r.id)
       WHERE i.visit_id IN (SELECT value FROM json_each(?)) AND ${LIVE}`,
  ).all(JSON.stringify(visitIds));
  // Most reviews carry one of a few policies: parse each distinct one once.
  const policies = new Map<string, ReferralPolicy>();
  const policy = (json: string) => {
    let parsed = policies.get(json);
    if (!parsed) policies.set(json, (parsed = JSON.parse(json) as ReferralPolicy));
    return parsed;
  };
  for (const row of rows)
    byVisit.get(row.visit_id)?.push({
      eye: row.eye,
      result:
        row.result_id === null
          ? null
          : {
              grade: row.grade,
              referableProbability: row.referable_probability,
              referableThreshold: row.referable_threshold,
              maculopathy:
                row.maculopathy_status === 'assessed'
                  ? {
                      status: 'assessed',
                      probability: row.maculopathy_probability ?? 0,
                      threshold: row.maculopathy_threshold ?? 1,
                      flagged: (row.maculopathy_probability ?? 0) >= (row.maculopathy_threshold ?? 1),
                      fovea: { x: 0.5, y: 0.5 }, // not needed to decide a referral
                    }
                  : { status: row.maculopathy_status ?? 'not_assessed' },
            },
      review:
        row.review_id === null
          ? null
          : {
              clinicianGrade: row.clinician_grade,
              reviewedAt: row.reviewed_at!,
              referralPolicy: row.referral_policy === null ? null : policy(row.referral_policy),
              clinicianMaculopathy:
                row.clinician_maculopathy === null ? null : row.clinician_maculopathy === 1,
            },
      readingComplete: row.reading_complete !== 0,
    });
  return byVisit;
}
