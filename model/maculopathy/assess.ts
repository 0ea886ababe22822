// One photograph's maculopathy assessment from what grading already computed: the canonical square (for the
// located fovea and the bright-lesion evidence around it) and the DR head's referable probability.
import type { MaculopathyOutcome } from '../../domain/maculopathy.ts';
import { brightLesions, type BrightLesionFeatures } from '../anatomy/bright-lesions.ts';
import { locateLandmarks } from '../anatomy/locate.ts';
import type { MaculopathyHead } from './head.ts';
import { logit, sigmoid } from './logistic.ts';

/** The head's inputs for one photograph (see MACULOPATHY_INPUTS). */
export function maculopathyInputs(referableProbability: number, bright: BrightLesionFeatures): number[] {
  const p = Math.min(1 - 1e-6, Math.max(1e-6, referableProbability));
  const share = (v: number) => Math.log(v + 1e-3);
  return [
    Math.log(p / (1 - p)),
    share(bright.strongNear),
    share(bright.strongRing),
    share(bright.mildNear),
    share(bright.mildRing),
  ];
}

export interface MaculopathyAssessment {
  outcome: MaculopathyOutcome;
  /** Where the bright-lesion evidence is, over the canonical square (null when not assessed). */
  evidence: { size: number; values: Float32Array } | null;
  /** The head's inputs (evaluate cross-validates on them); null when not assessed. */
  inputs: number[] | null;
}

export function assessMaculopathy(
  head: MaculopathyHead,
  canonical: { size: number; rgb: Uint8Array; mask: Uint8Array },
  referableProbability: number,
): MaculopathyAssessment {
  const landmarks = locateLandmarks(canonical.rgb, canonical.mask, canonical.size);
  // Without a fovea there is no "near the fovea": say so rather than guess where the macula is.
  if (!landmarks) return { outcome: { status: 'no_fovea' }, evidence: null, inputs: null };
  const { features, evidence } = brightLesions(canonical, landmarks);
  const inputs = maculopathyInputs(referableProbability, features);
  const probability = sigmoid(logit(head.model, inputs));
  return {
    outcome: {
      status: 'assessed',
      probability,
      threshold: head.threshold,
      flagged: probability >= head.threshold,
      fovea: landmarks.fovea,
    },
    evidence,
    inputs,
  };
}
