/**
 * What a result says of maculopathy (exudates or haemorrhages near the fovea; issue #23): assessed by the model's
 * maculopathy head, not assessed because the fovea could not be found, or not assessed because the model has no
 * maculopathy head (every result graded before heads existed).
 */
export type MaculopathyOutcome =
  | {
      status: 'assessed';
      /** Probability of maculopathy from the photograph: a suspicion of macular oedema, not a diagnosis (no OCT). */
      probability: number;
      /** At or above it the eye is flagged (the head's operating point). */
      threshold: number;
      flagged: boolean;
      /** Where the fovea was found, as fractions of the canonical square. */
      fovea: { x: number; y: number };
    }
  | { status: 'no_fovea' }
  | { status: 'not_assessed' };

export const NOT_ASSESSED: MaculopathyOutcome = { status: 'not_assessed' };
