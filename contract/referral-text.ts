// Words for referral rules and screening categories, shared by the UI and reports so they never disagree.
import { GRADE_NAMES } from '../domain/grades.ts';
import type { EyeOutcome, ReferralCategory, ReferralRule } from './index.ts';

export const CATEGORY_LABELS: Record<ReferralCategory | 'missing', string> = {
  '0': GRADE_NAMES[0],
  '1': GRADE_NAMES[1],
  '2': GRADE_NAMES[2],
  '3': GRADE_NAMES[3],
  '4': GRADE_NAMES[4],
  ungradable: 'Ungradable',
  ungradable_again: 'Still ungradable after re-imaging',
  maculopathy: 'Maculopathy (exudates or haemorrhages near the fovea)',
  missing: 'Not photographed',
};

/**
 * What was found in one eye, for documents and screens: the grade someone gave (the clinician's, or the model's
 * "most likely" grade), or, for an eye the model's flag refers, the flag with its figures — never a grade nobody
 * gave.
 */
export function eyeFinding(outcome: EyeOutcome): string {
  const retinopathy = outcome.flag
    ? `Referable DR flagged by the screening model (probability ${percent(outcome.flag.probability)}, at or above ` +
      `the operating point ${percent(outcome.flag.threshold)}; most likely grade ` +
      `${outcome.grade === null ? '–' : GRADE_NAMES[outcome.grade]}), awaiting clinician review`
    : outcome.category === 'maculopathy'
      ? outcome.grade === null
        ? 'Grade –'
        : (GRADE_NAMES[outcome.grade] ?? `Grade ${outcome.grade}`)
      : CATEGORY_LABELS[outcome.category];
  return outcome.maculopathy ? `${retinopathy}; ${maculopathyFinding(outcome.maculopathy)}` : retinopathy;
}

/** Maculopathy as found: the clinician's M1, or the model's flag (a flag, never written as a clinician's finding). */
export function maculopathyFinding(m: NonNullable<EyeOutcome['maculopathy']>): string {
  return m.source === 'clinician'
    ? 'maculopathy (M1, clinician)'
    : `maculopathy flagged by the screening model (probability ${percent(m.probability ?? 0)}), awaiting clinician review`;
}

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;

/** The other eye's action, in a sentence ("Also: re-image the left eye now."); '' when there is none. */
export function alsoNeededText(outcome: {
  alsoNeeded: { eye: 'OD' | 'OS'; rule: ReferralRule } | null;
}): string {
  if (!outcome.alsoNeeded) return '';
  const eye = outcome.alsoNeeded.eye === 'OD' ? 'right' : 'left';
  return outcome.alsoNeeded.rule.action === 'reimage'
    ? `Also: re-image the ${eye} eye now.`
    : `Also, for the ${eye} eye: ${describeRule(outcome.alsoNeeded.rule).toLowerCase()}.`;
}

export function describeRule(rule: ReferralRule): string {
  const within = (months: number | null) =>
    months === null ? '' : ` within ${months} month${months === 1 ? '' : 's'}`;
  switch (rule.action) {
    case 'rescreen':
      return `Rescreen${within(rule.months)}`;
    case 'refer':
      return `Refer to an ophthalmologist${within(rule.months)}`;
    case 'refer_urgent':
      return 'Refer urgently';
    case 'reimage':
      return 'Re-image this eye now';
  }
}

/**
 * The date a rescreen or referral is due: the visit date plus the rule's months, clamped to the month's last
 * day (a visit on 31 August with 6 months is due 28/29 February). Null when the rule has no months.
 */
export function dueDate(visitDate: string, rule: ReferralRule): string | null {
  if (rule.months === null) return null;
  const [year, month, day] = visitDate.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + rule.months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/**
 * The next step in words a patient understands (the report's first lines), with the due date when there is one.
 * `final` false: no clinician has confirmed every result yet, and the words say it may change.
 */
export function patientWords(
  rule: ReferralRule,
  due: string | null,
  final: boolean,
  flagged = false,
): string {
  const by = due ? ` by ${due}` : '';
  // A model's flag is not a finding of disease: the words say it may be, and an eye specialist will look.
  if (flagged && rule.action === 'refer')
    return `The screening flagged your eye photographs for an eye specialist (ophthalmologist) to look at: they may show changes from diabetes. Please see the eye specialist${by}.${final ? '' : ' This is a first reading: a clinician has not yet confirmed it, and it may change.'}`;
  const provisional = final
    ? ''
    : ' This is a first reading: a clinician has not yet confirmed it, and it may change.';
  switch (rule.action) {
    case 'rescreen':
      return `Your eye photographs did not show diabetic eye disease that needs a specialist now. Please come back for your next eye screening${by}.${provisional}`;
    case 'refer':
      return `Your eye photographs show changes from diabetes that an eye specialist (ophthalmologist) should examine. Please see the eye specialist${by}.${provisional}`;
    case 'refer_urgent':
      return `Your eye photographs show changes from diabetes that need an eye specialist (ophthalmologist) urgently. Please see the eye specialist within days; the clinic will help arrange it.${provisional}`;
    case 'reimage':
      return `Your eye photographs could not be read clearly enough to check for diabetic eye disease. They need to be taken again, today if possible.${provisional}`;
  }
}
