import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PatientDetail, ReferralTracking, Worklists } from '../../contract/index.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { localToday } from '../api/schemas.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import { insertGradedImage, memoryContext, staffDispatch, value } from '../test-helpers.ts';
import type { AppContext } from './app-context.ts';
import { lateness } from './referral-tracking.ts';

let ctx: AppContext;
let dispatch: Dispatch;
beforeEach(() => {
  ctx = memoryContext();
  dispatch = staffDispatch(ctx);
});
afterEach(() => ctx.db.close());

const daysAgo = (n: number) => {
  const d = new Date(`${localToday()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
};

/** A patient whose visit `n` days ago found moderate NPDR in the right eye (a referral within 3 months). */
function referred(clinicId: string, n: number) {
  const patient = createPatient(ctx.db, { clinicId, name: `Patient ${clinicId}` });
  const visit = createVisit(ctx.db, { patientId: patient.id, date: daysAgo(n) });
  insertGradedImage(ctx.db, visit.id, { grade: 2, eye: 'OD', fileName: `${clinicId}_right.jpeg` });
  insertGradedImage(ctx.db, visit.id, {
    grade: 0,
    eye: 'OS',
    fileName: `${clinicId}_left.jpeg`,
    referableProbability: 0.01,
  });
  return { patient, visit };
}
const record = (visitId: number, step: string, date: string, extra: Record<string, string> = {}) =>
  dispatch('referrals:record', { visitId, step, date, ...extra });
const openReferrals = async (query: string) =>
  (await value<Worklists>(dispatch('worklists:get', { query }))).referrals;

describe('a referral tracked to its outcome', () => {
  it('goes sent → booked → seen → outcome, in order, and leaves the open referrals once the outcome is back', async () => {
    const { patient, visit } = referred('T-1', 20);
    // Not sent 20 days after the visit: late.
    expect((await openReferrals('T-1'))[0]!.tracking).toMatchObject({
      step: null,
      late: 'Not sent 20 days after the visit (a referral goes within 14 days).',
    });
    expect(await record(visit.id, 'booked', daysAgo(1))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Record “sent” first/) },
    });
    expect(await record(visit.id, 'sent', daysAgo(30))).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/before the visit/) },
    });
    await value(record(visit.id, 'sent', daysAgo(18)));
    // An appointment may be in the future; it is late once it passed without being seen.
    const booked = await value<ReferralTracking>(record(visit.id, 'booked', daysAgo(2)));
    expect(booked).toMatchObject({
      step: 'booked',
      late: `The appointment on ${daysAgo(2)} passed without being recorded as seen.`,
    });
    await value(record(visit.id, 'seen', daysAgo(2)));
    expect(await record(visit.id, 'outcome', daysAgo(1))).toMatchObject({
      ok: false,
      error: { message: 'Say what the outcome was.' },
    });
    await value(
      record(visit.id, 'outcome', daysAgo(1), { outcome: 'treatment', note: 'PRP laser, right eye' }),
    );
    expect(await openReferrals('T-1')).toEqual([]);
    // The visit keeps every step, with who recorded it.
    const detail = await value<PatientDetail>(dispatch('patients:get', { id: patient.id }));
    expect(detail.visits[0]!.referral).toMatchObject({
      step: 'outcome',
      late: null,
      events: [
        { step: 'sent', recordedBy: 'Dr Test' },
        { step: 'booked' },
        { step: 'seen' },
        { step: 'outcome', outcome: 'treatment', note: 'PRP laser, right eye' },
      ],
    });
  });

  it('keeps a referral open when the patient did not attend, asking to book again', async () => {
    const { visit } = referred('T-2', 10);
    await value(record(visit.id, 'sent', daysAgo(9)));
    await value(record(visit.id, 'booked', daysAgo(3)));
    await value(record(visit.id, 'seen', daysAgo(3)));
    await value(record(visit.id, 'outcome', daysAgo(3), { outcome: 'did_not_attend' }));
    const [open] = await openReferrals('T-2');
    expect(open!.tracking).toMatchObject({
      step: 'sent',
      late: `Did not attend on ${daysAgo(3)}: book again.`,
    });
    // Booked again: the steps go on from there.
    await value(record(visit.id, 'booked', daysAgo(0)));
  });

  it('refuses to track a visit that leads to no referral', async () => {
    const patient = createPatient(ctx.db, { clinicId: 'T-3', name: 'No Referral' });
    const visit = createVisit(ctx.db, { patientId: patient.id, date: daysAgo(3) });
    insertGradedImage(ctx.db, visit.id, {
      grade: 0,
      eye: 'OD',
      fileName: 'T-3_right.jpeg',
      referableProbability: 0.01,
    });
    expect(await record(visit.id, 'sent', daysAgo(1))).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('says when each step is late', () => {
    const rule = { action: 'refer_urgent', months: null } as const;
    expect(lateness([], '2026-11-01', rule, '2026-11-02')).toBeNull();
    expect(lateness([], '2026-11-01', rule, '2026-11-05')).toBe(
      'Not sent 4 days after the visit (an urgent referral goes within 2 days).',
    );
    const seen = [
      { step: 'sent', date: '2026-11-01' },
      { step: 'booked', date: '2026-11-03' },
      { step: 'seen', date: '2026-11-03' },
    ].map((e) => ({ ...e, outcome: null, note: '', recordedBy: 'x', recordedAt: '' })) as Parameters<
      typeof lateness
    >[0];
    expect(lateness(seen, '2026-11-01', rule, '2026-12-10')).toBe(
      'Seen on 2026-11-03; no outcome recorded after 30 days.',
    );
  });
});
