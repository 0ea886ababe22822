import { describe, expect, it } from 'vitest';
import { describeRule, dueDate } from './referral-text.ts';

describe('referral wording and due dates', () => {
  it('says what to do', () => {
    expect(describeRule({ action: 'rescreen', months: 12 })).toBe('Rescreen within 12 months');
    expect(describeRule({ action: 'refer', months: 1 })).toBe('Refer to an ophthalmologist within 1 month');
    expect(describeRule({ action: 'refer_urgent', months: null })).toBe('Refer urgently');
    expect(describeRule({ action: 'reimage', months: null })).toBe('Re-image this eye now');
  });

  it('adds months to the visit date, keeping within short months', () => {
    expect(dueDate('2026-11-27', { action: 'rescreen', months: 12 })).toBe('2027-11-27');
    expect(dueDate('2026-11-27', { action: 'refer', months: 3 })).toBe('2027-02-27');
    expect(dueDate('2026-08-31', { action: 'rescreen', months: 6 })).toBe('2027-02-28');
    expect(dueDate('2027-08-31', { action: 'rescreen', months: 6 })).toBe('2028-02-29');
    expect(dueDate('2026-11-27', { action: 'refer_urgent', months: null })).toBeNull();
  });
});
