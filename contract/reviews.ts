// Clinician review of model results.

import type { Eye } from '../domain/eye.ts';
import type { FundusImage } from './images.ts';
import type { ReadingSummary, Review } from './readings.ts';
import type { PatientRef } from './refs.ts';

export type { Reading, ReadingStage, ReadingSummary, Review } from './readings.ts';

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
   * Maculopathy as the clinician sees it: true M1, false M0, null or absent not recorded. Recording M0 where the
   * model flagged maculopathy needs a reason; an ungradable photograph has none.
   */
  maculopathy?: boolean | null;
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
