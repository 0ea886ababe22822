// Clinician review of model results.

import type { FundusImage } from './images.ts';
import type { ReferralPolicy } from './referral.ts';
import type { PatientRef } from './refs.ts';

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
}
