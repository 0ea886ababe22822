/** Used when a result was graded with no operating point (a model without one and no site setting). */
export const DEFAULT_REFERABLE_THRESHOLD = 0.5;

/** Flagged referable when the referable-DR probability reaches the operating point it was graded with. */
export function flaggedReferable(probability: number, threshold: number | null): boolean {
  return probability >= (threshold ?? DEFAULT_REFERABLE_THRESHOLD);
}

/**
 * Flagged referable at the operating point the result was graded with. One definition for the UI, the review
 * queue, the referral decision, the CLI and evaluation, so they can never disagree.
 */
export function isReferable(result: {
  referableProbability: number | null;
  referableThreshold: number | null;
}): boolean {
  return (
    result.referableProbability !== null &&
    flaggedReferable(result.referableProbability, result.referableThreshold)
  );
}
