import { createHash } from 'node:crypto';
import type { ReadingInput, ReadingQueueItem, Review, SignedInUser } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { isReferable } from '../../domain/referable.ts';
import { prepared, type Database } from '../db/database.ts';
import { getImages } from '../db/images-repo.ts';
import { getPatientRefs } from '../db/patients-repo.ts';
import { insertReview, readingOf, reviewsOfResults } from '../db/reviews-repo.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting } from '../db/settings-repo.ts';
import { referralPolicyInForce } from './referral.ts';

/** The site's second-reading rule: off, or on with the share of normal results read twice as well. */
export interface SecondReadingPolicy {
  enabled: boolean;
  /** Percent of first readings that are neither referable nor ungradable chosen (at random) for a second. */
  samplePercent: number;
}

export const DEFAULT_SAMPLE_PERCENT = 10;

export function secondReadingPolicy(db: Database): SecondReadingPolicy {
  const stored = getSetting<{ samplePercent: number }>(db, SETTING_KEYS.secondReading);
  return stored
    ? { enabled: true, samplePercent: stored.samplePercent }
    : { enabled: false, samplePercent: 0 };
}

/**
 * Chosen for the random sample of normal readings: a hash of the result, so the choice is fixed when it is made
 * and cannot be steered by reviewing again.
 */
export function inSample(resultId: number, percent: number): boolean {
  const h = createHash('sha256').update(`eyenet-second-reading:${resultId}`).digest().readUInt32BE(0);
  return (h / 2 ** 32) * 100 < percent;
}

/**
 * Whether a first reading needs a second, under the policy: every referable grade, every ungradable one, every
 * eye the model flagged, and a sample of the rest.
 */
export function needsSecondReading(
  db: Database,
  resultId: number,
  grade: number | null,
  policy = secondReadingPolicy(db),
): boolean {
  if (!policy.enabled) return false;
  const result = prepared<
    [number],
    { referable_probability: number | null; referable_threshold: number | null }
  >(db, 'SELECT referable_probability, referable_threshold FROM results WHERE id = ?').get(resultId);
  const flagged =
    result !== undefined &&
    isReferable({
      referableProbability: result.referable_probability,
      referableThreshold: result.referable_threshold,
    });
  return grade === null || grade >= 2 || flagged || inSample(resultId, policy.samplePercent);
}

function readingNow(db: Database, resultId: number) {
  const reviews = reviewsOfResults(db, [resultId]).get(resultId) ?? [];
  return { reading: readingOf(reviews), latest: reviews.at(-1) ?? null };
}

/** A second clinician's independent reading: only while one is awaited, and never by the first reader. */
export function secondRead(db: Database, input: ReadingInput, reader: SignedInUser): Review {
  const { reading } = readingNow(db, input.resultId);
  if (reading?.state !== 'awaiting_second')
    throw new AppError('CONFLICT', 'This result is not waiting for a second reading.');
  if (reading.first.reviewer === reader.displayName)
    throw new AppError('FORBIDDEN', 'You gave the first reading: a second reading is another clinician’s.');
  return insertReview(
    db,
    { ...input, reviewer: reader.displayName, stage: 'second' },
    referralPolicyInForce(db),
  );
}

/** An arbiter's grade where the two readings differ: neither reader, and with a reason. */
export function arbitrate(db: Database, input: ReadingInput, arbiter: SignedInUser): Review {
  const { reading } = readingNow(db, input.resultId);
  if (reading?.state !== 'awaiting_arbitration')
    throw new AppError('CONFLICT', 'This result is not waiting for arbitration.');
  if ([reading.first.reviewer, reading.second?.reviewer].includes(arbiter.displayName))
    throw new AppError('FORBIDDEN', 'You read this result already: arbitration is a third clinician’s.');
  if (!input.reason?.trim())
    throw new AppError('INVALID_INPUT', 'Say why you decide as you do: both readings and yours are kept.');
  return insertReview(
    db,
    { ...input, reviewer: arbiter.displayName, stage: 'arbitration' },
    referralPolicyInForce(db),
  );
}

/**
 * The results waiting for `stage` that `clinician` may read: never one they read already. A second reader does
 * not see the first reading (an independent reading); an arbiter sees both.
 */
export function readingQueue(
  db: Database,
  stage: 'second' | 'arbitration',
  clinician: SignedInUser,
): ReadingQueueItem[] {
  const candidates = prepared<[], { result_id: number }>(
    db,
    // Only results whose current first reading asked for a second, and not yet arbitrated: the queue never reads
    // the whole history of completed readings.
    `SELECT rv.result_id FROM reviews rv
       JOIN results r ON r.id = rv.result_id
       WHERE rv.second_required = 1
         AND rv.id = (SELECT MAX(id) FROM reviews WHERE result_id = rv.result_id AND stage = 'first')
         AND NOT EXISTS (SELECT 1 FROM reviews a WHERE a.result_id = rv.result_id AND a.stage = 'arbitration'
                           AND a.id > rv.id)
         AND r.id = (SELECT MAX(id) FROM results WHERE image_id = r.image_id)`,
  ).all();
  const reviews = reviewsOfResults(
    db,
    candidates.map((c) => c.result_id),
  );
  const waiting = [...reviews].flatMap(([resultId, rows]) => {
    const reading = readingOf(rows);
    const want = stage === 'second' ? 'awaiting_second' : 'awaiting_arbitration';
    if (reading?.state !== want) return [];
    const readers = [reading.first.reviewer, reading.second?.reviewer];
    if (readers.includes(clinician.displayName)) return [];
    return [{ resultId, reading, latestReviewId: rows.at(-1)!.id }];
  });
  const imageOf = prepared<[string], { result_id: number; image_id: number }>(
    db,
    'SELECT id AS result_id, image_id FROM results WHERE id IN (SELECT value FROM json_each(?))',
  )
    .all(JSON.stringify(waiting.map((w) => w.resultId)))
    .reduce((m, r) => m.set(r.result_id, r.image_id), new Map<number, number>());
  const images = getImages(db, [...imageOf.values()]);
  const visits = prepared<[string], { id: number; date: string; patient_id: number }>(
    db,
    `SELECT v.id, v.date, v.patient_id FROM visits v JOIN patients p ON p.id = v.patient_id
       WHERE v.id IN (SELECT value FROM json_each(?)) AND v.deleted_at IS NULL AND p.deleted_at IS NULL`,
  )
    .all(JSON.stringify([...images.values()].map((i) => i.visitId)))
    .reduce((m, v) => m.set(v.id, v), new Map<number, { id: number; date: string; patient_id: number }>());
  const patients = getPatientRefs(
    db,
    [...visits.values()].map((v) => v.patient_id),
  );
  return waiting.flatMap((w) => {
    const image = images.get(imageOf.get(w.resultId)!);
    const visit = image && visits.get(image.visitId);
    const patient = visit && patients.get(visit.patient_id);
    if (!image || !visit || !patient) return []; // deleted since
    return [
      {
        resultId: w.resultId,
        imageId: image.id,
        patient,
        visitId: visit.id,
        visitDate: visit.date,
        eye: image.eye,
        fileName: image.fileName,
        reading: stage === 'second' ? null : w.reading,
        latestReviewId: w.latestReviewId,
      },
    ];
  });
}
