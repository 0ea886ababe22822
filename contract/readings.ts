// A clinician's reading of one result, and where a result's readings stand: the vocabulary of reviews that
// photographs carry (images.ts) and the review channels use (reviews.ts).

import type { ReferralPolicy } from './referral.ts';

/** A clinician's decision on one model result. The model's grade is kept beside it, never overwritten. */
export interface Review {
  id: number;
  resultId: number;
  /** The model's grade at the time of review (null: the model found the photograph ungradable). */
  modelGrade: number | null;
  /** The clinician's grade (null: the clinician agrees the photograph is ungradable). */
  clinicianGrade: number | null;
  action: 'accept' | 'override';
  reason: string;
  reviewer: string;
  reviewedAt: string;
  /** The referral policy in force when this review was made: a decided visit keeps it. */
  referralPolicy: ReferralPolicy | null;
  /** Which reading it is: the first (or its amendment), a second clinician's, or an arbiter's. */
  stage: ReadingStage;
  /** The clinician's maculopathy reading: true M1, false M0, null not recorded. */
  clinicianMaculopathy: boolean | null;
}

export type ReadingStage = 'first' | 'second' | 'arbitration';

/** One clinician's reading of a result. */
export interface Reading {
  grade: number | null;
  reviewer: string;
  at: string;
  reason: string;
}

/**
 * Where a result's reading stands: `complete` when no second reading is required or it agreed or an arbiter
 * decided; otherwise waiting for a second reading, or for arbitration because the two readings differ.
 */
export interface ReadingSummary {
  state: 'complete' | 'awaiting_second' | 'awaiting_arbitration';
  first: Reading;
  second: Reading | null;
  arbitration: Reading | null;
}
