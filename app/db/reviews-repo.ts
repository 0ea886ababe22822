import type {
  ReadingStage,
  ReadingSummary,
  ReferralPolicy,
  Review,
  ReviewInput,
} from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from './database.ts';

export interface ReviewRow {
  id: number;
  result_id: number;
  model_grade: number | null;
  clinician_grade: number | null;
  action: Review['action'];
  reason: string;
  reviewer: string;
  reviewed_at: string;
  referral_policy: string | null;
  stage: ReadingStage;
  second_required: number;
  clinician_maculopathy: number | null;
}

/** Every column of `reviews`, for queries that join a review to its result under a prefix. */
export const REVIEW_COLUMNS = [
  'id',
  'result_id',
  'model_grade',
  'clinician_grade',
  'action',
  'reason',
  'reviewer',
  'reviewed_at',
  'referral_policy',
  'stage',
  'second_required',
  'clinician_maculopathy',
] as const satisfies readonly (keyof ReviewRow)[];

export function toReview(row: ReviewRow): Review {
  return {
    id: row.id,
    resultId: row.result_id,
    modelGrade: row.model_grade,
    clinicianGrade: row.clinician_grade,
    action: row.action,
    reason: row.reason,
    reviewer: row.reviewer,
    reviewedAt: row.reviewed_at,
    referralPolicy: row.referral_policy === null ? null : (JSON.parse(row.referral_policy) as ReferralPolicy),
    stage: row.stage,
    clinicianMaculopathy: row.clinician_maculopathy === null ? null : row.clinician_maculopathy === 1,
  };
}

/**
 * Where a result's readings stand, from its reviews oldest first: the latest first reading (an amendment
 * restarts the reading), then a second reading after it, then an arbitration after that. Null without a
 * first reading.
 */
export function readingOf(
  reviews: readonly Pick<
    ReviewRow,
    'id' | 'stage' | 'clinician_grade' | 'reviewer' | 'reviewed_at' | 'reason' | 'second_required'
  >[],
): ReadingSummary | null {
  const first = [...reviews].reverse().find((r) => r.stage === 'first');
  if (!first) return null;
  const after = reviews.filter((r) => r.id > first.id);
  const second = after.find((r) => r.stage === 'second') ?? null;
  const arbitration = after.find((r) => r.stage === 'arbitration') ?? null;
  const reading = (r: typeof first) => ({
    grade: r.clinician_grade,
    reviewer: r.reviewer,
    at: r.reviewed_at,
    reason: r.reason,
  });
  const state =
    !first.second_required || arbitration || (second && second.clinician_grade === first.clinician_grade)
      ? 'complete'
      : second
        ? 'awaiting_arbitration'
        : 'awaiting_second';
  return {
    state,
    first: reading(first),
    second: second ? reading(second) : null,
    arbitration: arbitration ? reading(arbitration) : null,
  };
}

/** The reviews of these results, oldest first, by result. */
export function reviewsOfResults(db: Database, resultIds: readonly number[]): Map<number, ReviewRow[]> {
  const rows = prepared<[string], ReviewRow>(
    db,
    'SELECT * FROM reviews WHERE result_id IN (SELECT value FROM json_each(?)) ORDER BY id',
  ).all(JSON.stringify(resultIds));
  const byResult = new Map<number, ReviewRow[]>();
  for (const r of rows) byResult.set(r.result_id, [...(byResult.get(r.result_id) ?? []), r]);
  return byResult;
}

/**
 * Records a clinician's decision on a result. Agreeing with the model is an accept; any other grade is an
 * override and must say why. A later review supersedes an earlier one; both stay in the table. The referral
 * policy in force is stored with it: the visit it decides keeps that policy when the site changes its own.
 */
export function insertReview(
  db: Database,
  input: ReviewInput & { reviewer: string; stage?: ReadingStage; secondRequired?: boolean },
  policy: ReferralPolicy,
  now: Date = new Date(),
): Review {
  return db.transaction(() => insertReviewNow(db, input, policy, now))();
}

function insertReviewNow(
  db: Database,
  input: ReviewInput & { reviewer: string; stage?: ReadingStage; secondRequired?: boolean },
  policy: ReferralPolicy,
  now: Date,
): Review {
  const result = prepared<
    [number],
    {
      grade: number | null;
      quality_reasons: string;
      referable_probability: number | null;
      referable_threshold: number | null;
      maculopathy_status: string;
      maculopathy_probability: number | null;
      maculopathy_threshold: number | null;
    }
  >(
    db,
    `SELECT r.grade, r.quality_reasons, r.referable_probability, r.referable_threshold, r.maculopathy_status,
         r.maculopathy_probability, r.maculopathy_threshold FROM results r
       JOIN images i ON i.id = r.image_id JOIN visits v ON v.id = i.visit_id JOIN patients p ON p.id = v.patient_id
       WHERE r.id = ? AND i.deleted_at IS NULL AND v.deleted_at IS NULL AND p.deleted_at IS NULL`,
  ).get(input.resultId);
  if (!result) throw new AppError('NOT_FOUND', `No result with id ${input.resultId}.`);
  if (input.grade !== null && (JSON.parse(result.quality_reasons) as string[]).includes('not_fundus'))
    throw new AppError(
      'INVALID_INPUT',
      'This is not a fundus photograph, so it cannot be given a grade. Confirm it as ungradable and re-image the eye.',
    );
  // Two clinicians on one result: the later one is told, not allowed to replace the earlier without seeing it.
  const latest = prepared<[number], ReviewRow>(
    db,
    'SELECT * FROM reviews WHERE result_id = ? ORDER BY id DESC LIMIT 1',
  ).get(input.resultId);
  if ((latest?.id ?? null) !== input.seenReviewId && latest)
    throw new AppError(
      'STALE',
      `${latest.reviewer} reviewed this result at ${latest.reviewed_at.slice(11, 16)} UTC while you had it open ` +
        `(${latest.clinician_grade === null ? 'ungradable' : `grade ${latest.clinician_grade}`}). Your review was not saved: look at theirs, then review again if you disagree.`,
    );
  if (input.seenReviewId !== null && latest?.id !== input.seenReviewId)
    throw new AppError('STALE', 'The review you saw is no longer there. Open the result again.');
  const action = input.grade === result.grade ? 'accept' : 'override';
  const reason = input.reason?.trim() ?? '';
  if (action === 'override' && reason.length === 0)
    throw new AppError('INVALID_INPUT', 'Give a reason when your grade differs from the model’s.');
  // Clearing the model's referable flag (a flagged eye confirmed below grade 2) is as deliberate as an override.
  const flagged =
    result.referable_probability !== null &&
    result.referable_threshold !== null &&
    result.referable_probability >= result.referable_threshold;
  if (flagged && input.grade !== null && input.grade < 2 && reason.length === 0)
    throw new AppError(
      'INVALID_INPUT',
      'The model flagged this eye as referable: give a reason to clear the flag with a grade below 2.',
    );
  const maculopathy = input.maculopathy ?? null;
  if (input.grade === null && maculopathy !== null)
    throw new AppError(
      'INVALID_INPUT',
      'An ungradable photograph cannot show whether there is maculopathy: leave M0/M1 unset.',
    );
  // Clearing the model's maculopathy flag (M0 where it flagged) is as deliberate as clearing a referable flag.
  const maculopathyFlagged =
    result.maculopathy_status === 'assessed' &&
    result.maculopathy_probability !== null &&
    result.maculopathy_threshold !== null &&
    result.maculopathy_probability >= result.maculopathy_threshold;
  if (maculopathyFlagged && maculopathy === false && reason.length === 0)
    throw new AppError(
      'INVALID_INPUT',
      'The model flagged maculopathy in this eye: give a reason to record M0 (no maculopathy).',
    );
  const info = prepared(
    db,
    `INSERT INTO reviews (result_id, model_grade, clinician_grade, action, reason, reviewer, reviewed_at,
         referral_policy, stage, second_required, clinician_maculopathy)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    input.resultId,
    result.grade,
    input.grade,
    action,
    reason,
    input.reviewer.trim(),
    now.toISOString(),
    JSON.stringify(policy),
    input.stage ?? 'first',
    input.secondRequired ? 1 : 0,
    maculopathy === null ? null : maculopathy ? 1 : 0,
  );
  const row = prepared<[number], ReviewRow>(db, 'SELECT * FROM reviews WHERE id = ?').get(
    Number(info.lastInsertRowid),
  );
  if (!row) throw new Error('review row vanished after insert');
  return toReview(row);
}

/** The latest result of each image, where no clinician has reviewed it yet (deleted records left out). */
const UNREVIEWED = `FROM results r
       JOIN images i ON i.id = r.image_id
       JOIN visits v ON v.id = i.visit_id
       JOIN patients p ON p.id = v.patient_id
       WHERE r.id = (SELECT MAX(id) FROM results WHERE image_id = i.id)
         AND i.deleted_at IS NULL AND v.deleted_at IS NULL AND p.deleted_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM reviews WHERE result_id = r.id)`;

/** How many results wait for a clinician (the review badge), without reading them. */
export function countUnreviewed(db: Database): number {
  return prepared<[], { n: number }>(db, `SELECT count(*) AS n ${UNREVIEWED}`).get()!.n;
}

/** Latest results (one per image) that no clinician has reviewed yet, with where they belong. */
export function unreviewedResults(
  db: Database,
): { resultId: number; imageId: number; visitId: number; visitDate: string; patientId: number }[] {
  return prepared<
    [],
    { resultId: number; imageId: number; visitId: number; visitDate: string; patientId: number }
  >(
    db,
    `SELECT r.id AS resultId, i.id AS imageId, v.id AS visitId, v.date AS visitDate, v.patient_id AS patientId
       ${UNREVIEWED}
       ORDER BY v.date, i.imported_at, i.id`,
  ).all();
}
