// Words for referral rules and screening categories, shared by the UI and reports so they never disagree.
import type { ReferralCategory, ReferralRule } from './types.ts';

export const CATEGORY_LABELS: Record<ReferralCategory | 'missing', string> = {
  '0': 'No DR',
  '1': 'Mild NPDR',
  '2': 'Moderate NPDR',
  '3': 'Severe NPDR',
  '4': 'Proliferative DR',
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
