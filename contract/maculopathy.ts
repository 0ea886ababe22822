// Maculopathy (exudates or haemorrhages near the fovea), the second reason screening programmes refer (issue #23).
// Words shared by the result card, the review, the PDF, the CSV and FHIR so they never disagree. A model without a
// maculopathy head says so everywhere a result goes, never a blank that reads as "none".
import type { MaculopathyOutcome } from '../domain/maculopathy.ts';

/** What a result says of maculopathy when its model has no maculopathy head. */
export const MACULOPATHY_NOT_ASSESSED =
  'Maculopathy: not assessed by this model. Look at the macula: exudates or haemorrhages near the fovea are a reason to refer by themselves.';

/** The short form, for tables and exports. */
export const MACULOPATHY_NOT_ASSESSED_SHORT = 'not assessed by this model';

/** Said wherever a model's maculopathy result is shown. */
export const MACULOPATHY_SUSPICION =
  'Maculopathy from a photograph is a suspicion of macular oedema, not a diagnosis (no OCT).';

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;

/** The model's maculopathy result in a sentence (the result card and the PDF). */
export function maculopathyResultText(m: MaculopathyOutcome | undefined): string {
  if (!m || m.status === 'not_assessed') return MACULOPATHY_NOT_ASSESSED;
  if (m.status === 'no_fovea')
    return 'Maculopathy: not assessed — the fovea could not be found on this photograph. Look at the macula.';
  return m.flagged
    ? `Maculopathy suspected by the model: probability ${percent(m.probability)} (flagged at ≥ ${percent(m.threshold)}).`
    : `No maculopathy flagged by the model: probability ${percent(m.probability)} (flagged at ≥ ${percent(m.threshold)}).`;
}

/** The short form for tables and exports: the clinician's M0/M1 when recorded, else the model's result. */
export function maculopathyShort(
  m: MaculopathyOutcome | undefined,
  clinician: boolean | null = null,
): string {
  if (clinician !== null) return clinician ? 'M1 (clinician)' : 'M0 (clinician)';
  if (!m || m.status === 'not_assessed') return MACULOPATHY_NOT_ASSESSED_SHORT;
  if (m.status === 'no_fovea') return 'not assessed: fovea not found';
  return `${m.flagged ? 'flagged' : 'not flagged'} by the model (probability ${percent(m.probability)}, point ${percent(m.threshold)})`;
}
