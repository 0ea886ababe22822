import type { ReadinessGap } from '../../contract/index.ts';
import { GRADE_NAMES, isReferableGrade } from '../../domain/grades.ts';
import { DEFAULT_PROMOTION_MARGIN, referablePatientsNeeded } from './promotion.ts';
import { isHeldOut, type ValidatedPhotograph } from './validated-set.ts';

/** Photographs of each ICDR grade a fine-tune needs before it can learn that grade at all. */
export const MIN_PER_GRADE = 5;
/** Referable and non-referable photographs on the training side. */
export const MIN_TRAINING_PER_SIDE = 20;
/**
 * What a fine-tune still needs, each in a sentence; empty when it can start. A fine-tune waits, too, for the
 * held-out referable patients the promotion gate needs at margin `delta` (referablePatientsNeeded): a candidate
 * that could never be judged is not worth training.
 */
export function readinessGaps(
  photographs: readonly ValidatedPhotograph[],
  delta = DEFAULT_PROMOTION_MARGIN,
): ReadinessGap[] {
  const gaps: ReadinessGap[] = [];
  for (let grade = 0; grade < GRADE_NAMES.length; grade++) {
    const have = photographs.filter((p) => p.grade === grade).length;
    if (have < MIN_PER_GRADE)
      gaps.push({
        what: `Photographs of grade ${grade} (${GRADE_NAMES[grade]})`,
        needed: MIN_PER_GRADE,
        have,
      });
  }
  const training = photographs.filter((p) => !isHeldOut(p.clinicId));
  const referable = training.filter((p) => isReferableGrade(p.grade)).length;
  if (referable < MIN_TRAINING_PER_SIDE)
    gaps.push({
      what: 'Referable photographs (grade 2 or worse) to train on',
      needed: MIN_TRAINING_PER_SIDE,
      have: referable,
    });
  if (training.length - referable < MIN_TRAINING_PER_SIDE)
    gaps.push({
      what: 'Non-referable photographs (grade 0–1) to train on',
      needed: MIN_TRAINING_PER_SIDE,
      have: training.length - referable,
    });
  const heldOutReferable = new Set(
    photographs.filter((p) => isHeldOut(p.clinicId) && isReferableGrade(p.grade)).map((p) => p.patientId),
  ).size;
  const needed = referablePatientsNeeded(delta);
  if (heldOutReferable < needed)
    gaps.push({
      what: 'Held-out patients with referable DR, to judge a new model on',
      needed,
      have: heldOutReferable,
      forJudging: true,
    });
  return gaps;
}
