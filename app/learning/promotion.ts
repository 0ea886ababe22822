import type { HeldOutFigures, PromotionVerdict } from '../../contract/index.ts';
import { MIN_HELD_OUT_REFERABLE_PATIENTS } from './readiness.ts';

export const PROMOTION_RULE =
  'A candidate is promoted only when, on the same held-out patients of this clinic, its referable-DR AUC is not ' +
  "lower than the active model's and its sensitivity at the site's operating point is not lower, and at least " +
  `${MIN_HELD_OUT_REFERABLE_PATIENTS} held-out patients have referable DR (with fewer, the figures cannot tell the two apart). ` +
  "Where the model ships a reference set, the candidate's AUC on it must also stay within the active model's " +
  '95% interval there (learning this clinic must not unlearn the rest).';

const f3 = (v: number) => v.toFixed(3);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The promotion gate: the candidate must not be worse than the active model on the clinic's held-out patients. */
export function promotionVerdict(
  base: HeldOutFigures,
  candidate: HeldOutFigures,
  reference?: { base: HeldOutFigures; candidate: HeldOutFigures },
): PromotionVerdict {
  const reasons: string[] = [];
  if (candidate.referablePatients < MIN_HELD_OUT_REFERABLE_PATIENTS)
    reasons.push(
      `Only ${candidate.referablePatients} held-out patient${candidate.referablePatients === 1 ? ' has' : 's have'} referable DR; ` +
        `at least ${MIN_HELD_OUT_REFERABLE_PATIENTS} are needed to tell the models apart.`,
    );
  if (!(candidate.referableAuc >= base.referableAuc))
    reasons.push(
      `Its referable-DR AUC is lower: ${f3(candidate.referableAuc)} against ${f3(base.referableAuc)}.`,
    );
  if (!(candidate.sensitivity >= base.sensitivity))
    reasons.push(
      `Its sensitivity at the operating point (${pct(base.threshold)}) is lower: ${pct(candidate.sensitivity)} against ${pct(base.sensitivity)}.`,
    );
  if (reference && !(reference.candidate.referableAuc >= reference.base.auc95.low))
    reasons.push(
      `On the reference set shipped with the model its referable-DR AUC falls to ${f3(reference.candidate.referableAuc)}, ` +
        `below the active model's interval there (${f3(reference.base.auc95.low)}–${f3(reference.base.auc95.high)}).`,
    );
  return { allowed: reasons.length === 0, rule: PROMOTION_RULE, reasons };
}
