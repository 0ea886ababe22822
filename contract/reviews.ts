// Clinician review of model results.

import type { FundusImage } from './images.ts';
import type { ReferralPolicy } from './referral.ts';
import type { PatientRef } from './refs.ts';
import type { Eye } from '../domain/eye.ts';

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

/** A result waiting for a second reading or arbitration, as the queue shows it. */
export interface ReadingQueueItem {
  resultId: number;
  imageId: number;
  patient: PatientRef;
  visitId: number;
  visitDate: string;
  eye: Eye;
  fileName: string;
  /** Hidden from the second reader (an independent reading); shown to the arbiter. */
  reading: ReadingSummary | null;
  /** The newest review of the result, to send back as seen. */
  latestReviewId: number;
}

export interface ReadingInput {
  resultId: number;
  grade: number | null;
  reason?: string;
  /** The newest review of the result the clinician saw. */
  seenReviewId: number;
}

export interface ReviewInput {
  resultId: number;
  /** The clinician's grade; null confirms the photograph as ungradable. */
  grade: number | null;
  /** Required when the grade differs from the model's. */
  reason?: string;
  /**
   * The newest review of this result the clinician saw (null: none). Someone else's review since then is
   * not silently replaced: the save is refused (STALE) and the page shows it.
   */
  seenReviewId: number | null;
}

export interface ReviewQueueItem {
  patient: PatientRef;
  visitId: number;
  visitDate: string;
  image: FundusImage;
  /** Flagged referable at the operating point the result was graded with. */
  referable: boolean;
}

/** Channels of the reviews area. */
export interface ReviewsApi {
  'reviews:queue': { input: Record<string, never>; output: ReviewQueueItem[] };
  'reviews:count': { input: Record<string, never>; output: { count: number } };
  'reviews:submit': { input: ReviewInput; output: Review };
  /** Results waiting for a second reading or arbitration that the signed-in clinician may give. */
  'reviews:readings': { input: { stage: 'second' | 'arbitration' }; output: ReadingQueueItem[] };
  /** A second clinician's independent reading (never the first reader). */
  'reviews:secondRead': { input: ReadingInput; output: Review };
  /** An arbitrating clinician's grade where the two readings differ (neither of the two readers; with a reason). */
  'reviews:arbitrate': { input: ReadingInput; output: Review };
}
