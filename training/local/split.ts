import { createHash } from 'node:crypto';

/** The share of patients held out of a local fine-tune, to judge it on. */
export const HELD_OUT_FRACTION = 0.3;

function share(seed: string): number {
  return createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Whether a patient is held out: decided by a hash of their clinic ID, so a patient never changes sides as the
 * set grows (a model is never judged on a patient an earlier fine-tune trained on), and both eyes go together.
 */
export function isHeldOut(patient: string): boolean {
  return share(`eyenet-held-out:${patient}`) < HELD_OUT_FRACTION;
}

/** Within the training side: the fifth of patients that chooses the fine-tune's regularisation. */
export function isInnerValidation(patient: string): boolean {
  return share(`eyenet-inner-validation:${patient}`) < 0.2;
}
