// Words for referral rules and screening categories, shared by the UI and reports so they never disagree.
import { GRADE_NAMES } from '../domain/grades.ts';
import type { ReferralCategory, ReferralRule } from './index.ts';

export const CATEGORY_LABELS: Record<ReferralCategory | 'missing', string> = {
  '0': GRADE_NAMES[0],
  '1': GRADE_NAMES[1],
  '2': GRADE_NAMES[2],
  '3': GRADE_NAMES[3],
  '4': GRADE_NAMES[4],
  ungradable: 'Ungradable',
  ungradable_again: 'Still ungradable after re-imaging',
  missing: 'Not photographed',
};

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
export function patientWords(rule: ReferralRule, due: string | null, final: boolean): string {
  const by = due ? ` by ${due}` : '';
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
