// The maculopathy head of a clinic's fine-tuned candidate (issue #23). The head's first input is the DR head's
// referable logit, which a fine-tune moves: the base's head would be fed inputs it was not fitted on, so it is
// never carried over. With enough confirmed M0/M1 readings among the training patients the recipe is refitted on
// them (its point from patient-fold cross-validation there) and judged, beside the base's head, on the held-out
// patients; with too few the candidate has no head and says "maculopathy not assessed by this model".
import type { BrightLesionFeatures } from '../../model/anatomy/bright-lesions.ts';
import { maculopathyInputs } from '../../model/maculopathy/assess.ts';
import type { MaculopathyHead } from '../../model/maculopathy/head.ts';
import { logit, sigmoid } from '../../model/maculopathy/logistic.ts';
import { binaryCounts, binaryMetrics, rocAuc } from '../evaluate/metrics.ts';
import { headFromRows, type HeadRow } from '../maculopathy/head-cv.ts';

/** Below these, among the training patients, a refit would be noise: the candidate has no head instead. */
export const LOCAL_MACULOPATHY_MINIMUM = { photographs: 40, positives: 10 };
const FOLDS = 5;

/** A confirmed photograph with the clinician's M0/M1, its located fovea's bright-lesion shares, and both heads' P. */
export interface MaculopathyRow {
  patient: string;
  heldOut: boolean;
  label: boolean;
  bright: BrightLesionFeatures;
  baseProbability: number;
  candidateProbability: number;
}

export interface HeldOutMaculopathy {
  photographs: number;
  positives: number;
  auc: number | null;
  sensitivity: number | null;
  specificity: number | null;
}

export interface LocalMaculopathyResult {
  /** The candidate has a maculopathy head of its own. */
  refitted: boolean;
  /** Why it has none, in a sentence; null when refitted. */
  why: string | null;
  training: { photographs: number; positives: number };
  /** On the held-out patients: the base's head (on the base's logits) and the candidate's. */
  heldOut: { base: HeldOutMaculopathy | null; candidate: HeldOutMaculopathy | null };
  head: MaculopathyHead | null;
}

function judge(labels: boolean[], probabilities: number[], threshold: number): HeldOutMaculopathy {
  const both = labels.some(Boolean) && labels.some((l) => !l);
  const at = binaryMetrics(binaryCounts(labels, probabilities, threshold));
  return {
    photographs: labels.length,
    positives: labels.filter(Boolean).length,
    auc: both ? rocAuc(labels, probabilities) : null,
    sensitivity: labels.some(Boolean) ? at.sensitivity : null,
    specificity: labels.some((l) => !l) ? at.specificity : null,
  };
}

export function refitMaculopathyHead(
  rows: readonly MaculopathyRow[],
  base: MaculopathyHead | null,
  candidate: { name: string; version: string },
): LocalMaculopathyResult {
  const train = rows.filter((r) => !r.heldOut);
  const held = rows.filter((r) => r.heldOut);
  const positives = train.filter((r) => r.label).length;
  const heldLabels = held.map((r) => r.label);
  const baseHeld =
    base && held.length
      ? judge(
          heldLabels,
          held.map((r) => sigmoid(logit(base.model, maculopathyInputs(r.baseProbability, r.bright)))),
          base.threshold,
        )
      : null;
  const none = (why: string): LocalMaculopathyResult => ({
    refitted: false,
    why,
    training: { photographs: train.length, positives },
    heldOut: { base: baseHeld, candidate: null },
    head: null,
  });
  if (!base) return none('the model it started from has no maculopathy head.');
  const { photographs: needPhotos, positives: needPositives } = LOCAL_MACULOPATHY_MINIMUM;
  if (train.length < needPhotos || positives < needPositives || train.length - positives < needPositives)
    return none(
      `a refit needs ${needPhotos} photographs of training patients with a clinician's M0/M1, at least ` +
        `${needPositives} of each; there are ${train.length} (${positives} M1).`,
    );
  const headRows: HeadRow[] = train.map((r) => ({
    patient: r.patient,
    label: r.label,
    inputs: maculopathyInputs(r.candidateProbability, r.bright),
  }));
  const { head } = headFromRows(headRows, {
    fittedOn: candidate,
    set: "this clinic's confirmed photographs (training patients)",
    folds: FOLDS,
    recipe: base.recipe,
    targetSensitivity: base.targetSensitivity,
    // The recipe is the shipped head's, fixed before these photographs were seen.
    recipesCompared: 1,
  });
  return {
    refitted: true,
    why: null,
    training: { photographs: train.length, positives },
    heldOut: {
      base: baseHeld,
      candidate: held.length
        ? judge(
            heldLabels,
            held.map((r) => sigmoid(logit(head.model, maculopathyInputs(r.candidateProbability, r.bright)))),
            head.threshold,
          )
        : null,
    },
    head,
  };
}
