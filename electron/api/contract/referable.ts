import type { GradeResult } from './types.ts';

/** Used when a result was graded with no operating point (a model without one and no site setting). */
export const DEFAULT_REFERABLE_THRESHOLD = 0.5;

/**
 * Flagged referable at the operating point the result was graded with. One definition for the UI, the review
 * queue and the referral decision, so they can never disagree.
 */
export function isReferable(
  result: Pick<GradeResult, 'referableProbability' | 'referableThreshold'>,
): boolean {
  return (
    result.referableProbability !== null &&
    result.referableProbability >= (result.referableThreshold ?? DEFAULT_REFERABLE_THRESHOLD)
  );
}
