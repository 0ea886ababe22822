import type { ReferralRule } from '../../contract/index.ts';
import {
  REFERRAL_STEPS,
  type ReferralEvent,
  type ReferralOutcome,
  type ReferralStep,
  type ReferralStepInput,
  type ReferralTracking,
} from '../../contract/referral-tracking.ts';
import { dueDate } from '../../contract/referral-text.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from '../db/database.ts';

interface EventRow {
  visit_id: number;
  step: ReferralStep;
  on_date: string;
  outcome: ReferralOutcome | null;
  note: string;
  recorded_by: string;
  recorded_at: string;
}

/** Days a referral may wait to be sent after the visit: urgent ones go within 2 days, others within 14. */
export const SEND_WITHIN_DAYS = { refer_urgent: 2, refer: 14 } as const;
/** Days after being seen by which the eye service's outcome should be on record. */
export const OUTCOME_WITHIN_DAYS = 30;

const DAY_MS = 86_400_000;
const days = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
const rank = (step: ReferralStep) => REFERRAL_STEPS.indexOf(step);

/** The furthest step the events reach; a "did not attend" outcome sends the referral back to being booked. */
function currentStep(events: readonly ReferralEvent[]): ReferralStep | null {
  let step: ReferralStep | null = null;
  for (const e of events) {
    if (e.step === 'outcome' && e.outcome === 'did_not_attend') step = 'sent';
    else if (step === null || rank(e.step) >= rank(step)) step = e.step;
  }
  return step;
}

/** A referral is closed once the eye service's outcome (other than "did not attend") is on record. */
export function referralClosed(tracking: ReferralTracking): boolean {
  return tracking.step === 'outcome';
}

/** What is late about a referral today, in a sentence; null when nothing is. */
export function lateness(
  events: readonly ReferralEvent[],
  visitDate: string,
  rule: ReferralRule,
  today: string,
): string | null {
  if (rule.action !== 'refer' && rule.action !== 'refer_urgent') return null;
  const step = currentStep(events);
  const last = (s: ReferralStep) => [...events].reverse().find((e) => e.step === s);
  if (step === null) {
    const allowed = SEND_WITHIN_DAYS[rule.action];
    const waited = days(visitDate, today);
    return waited > allowed
      ? `Not sent ${waited} days after the visit (${rule.action === 'refer_urgent' ? 'an urgent referral goes' : 'a referral goes'} within ${allowed} days).`
      : null;
  }
  if (step === 'sent') {
    const dna = [...events].reverse().find((e) => e.step === 'outcome' && e.outcome === 'did_not_attend');
    if (dna) return `Did not attend on ${dna.date}: book again.`;
    const due = dueDate(visitDate, rule) ?? visitDate;
    return today > due ? `No appointment booked, and the patient was due to be seen by ${due}.` : null;
  }
  if (step === 'booked') {
    const booked = last('booked')!;
    return today > booked.date
      ? `The appointment on ${booked.date} passed without being recorded as seen.`
      : null;
  }
  if (step === 'seen') {
    const seen = last('seen')!;
    return days(seen.date, today) > OUTCOME_WITHIN_DAYS
      ? `Seen on ${seen.date}; no outcome recorded after ${OUTCOME_WITHIN_DAYS} days.`
      : null;
  }
  return null;
}

/** Every recorded step of these visits' referrals, oldest first, by visit. */
export function referralEventsOf(db: Database, visitIds: readonly number[]): Map<number, ReferralEvent[]> {
  const rows = prepared<[string], EventRow>(
    db,
    'SELECT * FROM referral_events WHERE visit_id IN (SELECT value FROM json_each(?)) ORDER BY id',
  ).all(JSON.stringify(visitIds));
  const byVisit = new Map<number, ReferralEvent[]>();
  for (const r of rows)
    byVisit.set(r.visit_id, [
      ...(byVisit.get(r.visit_id) ?? []),
      {
        step: r.step,
        date: r.on_date,
        outcome: r.outcome,
        note: r.note,
        recordedBy: r.recorded_by,
        recordedAt: r.recorded_at,
      },
    ]);
  return byVisit;
}

export function trackingOf(
  events: readonly ReferralEvent[],
  visitDate: string,
  rule: ReferralRule,
  today: string,
): ReferralTracking {
  return { events: [...events], step: currentStep(events), late: lateness(events, visitDate, rule, today) };
}

/**
 * Records one step of a visit's referral. Steps go in order (a step may be recorded again to correct it; the
 * earlier row stays); dates are never before the visit, nor in the future except an appointment's; an outcome
 * says what it was.
 */
export function recordReferralStep(
  db: Database,
  visit: { id: number; date: string; rule: ReferralRule },
  input: ReferralStepInput,
  by: string,
  today: string,
  now = new Date(),
): ReferralEvent[] {
  if (visit.rule.action !== 'refer' && visit.rule.action !== 'refer_urgent')
    throw new AppError(
      'CONFLICT',
      `The visit of ${visit.date} does not lead to a referral: there is nothing to track.`,
    );
  const events = referralEventsOf(db, [visit.id]).get(visit.id) ?? [];
  const step = currentStep(events);
  const before = step === null ? -1 : rank(step);
  if (rank(input.step) > before + 1)
    throw new AppError(
      'INVALID_INPUT',
      `Record “${REFERRAL_STEPS[before + 1]}” first: a referral goes sent → booked → seen → outcome.`,
    );
  if (input.date < visit.date)
    throw new AppError('INVALID_INPUT', `The date ${input.date} is before the visit (${visit.date}).`);
  if (input.step !== 'booked' && input.date > today)
    throw new AppError(
      'INVALID_INPUT',
      `The date ${input.date} is in the future: record a step once it happened.`,
    );
  if (input.step === 'outcome' && !input.outcome)
    throw new AppError('INVALID_INPUT', 'Say what the outcome was.');
  if (input.step !== 'outcome' && input.outcome)
    throw new AppError('INVALID_INPUT', 'An outcome is recorded with the “outcome” step only.');
  prepared(
    db,
    `INSERT INTO referral_events (visit_id, step, on_date, outcome, note, recorded_by, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(visit.id, input.step, input.date, input.outcome ?? null, input.note ?? '', by, now.toISOString());
  return referralEventsOf(db, [visit.id]).get(visit.id) ?? [];
}
