import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  FundusImage,
  PatientDetail,
  ReadingQueueItem,
  Review,
  Worklists,
} from '../../contract/index.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import {
  clinicianDispatch,
  insertGradedImage,
  memoryContext,
  staffDispatch,
  value,
} from '../test-helpers.ts';
import type { AppContext } from './app-context.ts';
import { inSample } from './second-reading.ts';

// Three clinicians: Dr A reads first, Dr B second, Dr C arbitrates.
let ctx: AppContext;
let admin: Dispatch;
let a: Dispatch;
let b: Dispatch;
let c: Dispatch;
beforeEach(async () => {
  ctx = memoryContext();
  admin = staffDispatch(ctx, undefined, 'administrator');
  a = clinicianDispatch(ctx, 'dra', 'Dr A');
  b = clinicianDispatch(ctx, 'drb', 'Dr B');
  c = clinicianDispatch(ctx, 'drc', 'Dr C');
  await value(
    admin('settings:update', {
      secondReading: { samplePercent: 0 },
      reason: 'Programme standard: double reading.',
    }),
  );
});
afterEach(() => ctx.db.close());

function seed(clinicId = 'R-1') {
  const patient = createPatient(ctx.db, { clinicId, name: `Patient ${clinicId}` });
  const visit = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-20' });
  const od = insertGradedImage(ctx.db, visit.id, { grade: 2, eye: 'OD', fileName: `${clinicId}_right.jpeg` });
  const os = insertGradedImage(ctx.db, visit.id, {
    grade: 0,
    eye: 'OS',
    fileName: `${clinicId}_left.jpeg`,
    referableProbability: 0.01,
  });
  return { patient, visit, od, os };
}
const detail = async (patientId: number) =>
  (await value<PatientDetail>(a('patients:get', { id: patientId }))).visits[0]!;
const image = async (patientId: number, eye: 'OD' | 'OS'): Promise<FundusImage> =>
  (await detail(patientId)).images.find((i) => i.eye === eye)!;

describe('second reading and arbitration', () => {
  it('sends a referable first reading to a second clinician, blind, and an agreement completes it', async () => {
    const { patient, od, os } = seed();
    const first = await value<Review>(
      a('reviews:submit', { resultId: od.resultId, grade: 2, seenReviewId: null }),
    );
    await value(a('reviews:submit', { resultId: os.resultId, grade: 0, seenReviewId: null }));
    // The normal eye (sample 0%) needs no second reading; the referable one does, so the visit is provisional.
    expect((await image(patient.id, 'OS')).reading).toMatchObject({ state: 'complete' });
    expect((await image(patient.id, 'OD')).reading).toMatchObject({ state: 'awaiting_second', second: null });
    expect((await detail(patient.id)).outcome.final).toBe(false);
    // The lists decide it the same way (their own query).
    const listed = async () =>
      (await value<Worklists>(a('worklists:get', { query: 'R-1', from: '2026-11-20', to: '2026-11-20' })))
        .visits[0]!.final;
    expect(await listed()).toBe(false);
    expect(await a('visits:signOff', { visitId: (await detail(patient.id)).id })).toMatchObject({
      ok: false,
    });
    // Not for the first reader's queue; in the second reader's, without the first grade.
    expect(await value<ReadingQueueItem[]>(a('reviews:readings', { stage: 'second' }))).toEqual([]);
    const [item] = await value<ReadingQueueItem[]>(b('reviews:readings', { stage: 'second' }));
    expect(item).toMatchObject({ resultId: od.resultId, eye: 'OD', reading: null, latestReviewId: first.id });
    expect(
      await a('reviews:secondRead', { resultId: od.resultId, grade: 2, seenReviewId: first.id }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await value(b('reviews:secondRead', { resultId: od.resultId, grade: 2, seenReviewId: first.id }));
    const read = await image(patient.id, 'OD');
    expect(read.reading).toMatchObject({
      state: 'complete',
      first: { grade: 2, reviewer: 'Dr A' },
      second: { grade: 2, reviewer: 'Dr B' },
    });
    expect((await detail(patient.id)).outcome.final).toBe(true);
    expect(await listed()).toBe(true);
  });

  it('sends a disagreement to a third clinician, whose reasoned grade decides; every reading is kept', async () => {
    const { patient, od, os } = seed('R-2');
    const first = await value<Review>(
      a('reviews:submit', { resultId: od.resultId, grade: 2, seenReviewId: null }),
    );
    await value(a('reviews:submit', { resultId: os.resultId, grade: 0, seenReviewId: null }));
    const second = await value<Review>(
      b('reviews:secondRead', {
        resultId: od.resultId,
        grade: 1,
        reason: 'Two microaneurysms only',
        seenReviewId: first.id,
      }),
    );
    expect((await image(patient.id, 'OD')).reading?.state).toBe('awaiting_arbitration');
    expect((await detail(patient.id)).outcome.final).toBe(false);
    // Neither reader may arbitrate; the arbiter sees both readings and must say why.
    expect(await value<ReadingQueueItem[]>(b('reviews:readings', { stage: 'arbitration' }))).toEqual([]);
    const [item] = await value<ReadingQueueItem[]>(c('reviews:readings', { stage: 'arbitration' }));
    expect(item!.reading).toMatchObject({ first: { grade: 2 }, second: { grade: 1 } });
    expect(
      await a('reviews:arbitrate', { resultId: od.resultId, grade: 2, reason: 'x', seenReviewId: second.id }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await c('reviews:arbitrate', { resultId: od.resultId, grade: 2, seenReviewId: second.id }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await value(
      c('reviews:arbitrate', {
        resultId: od.resultId,
        grade: 2,
        reason: 'Haemorrhages in two quadrants',
        seenReviewId: second.id,
      }),
    );
    const final = await image(patient.id, 'OD');
    expect(final.reading).toMatchObject({
      state: 'complete',
      first: { grade: 2, reviewer: 'Dr A' },
      second: { grade: 1, reviewer: 'Dr B' },
      arbitration: { grade: 2, reviewer: 'Dr C', reason: 'Haemorrhages in two quadrants' },
    });
    const visit = await detail(patient.id);
    expect(visit.outcome).toMatchObject({ final: true, category: '2' });
    // The arbiter's grade is the result's grade now.
    expect(final.review).toMatchObject({ clinicianGrade: 2, stage: 'arbitration' });
  });

  it('leaves a deleted patient out of the queues', async () => {
    const { patient, od } = seed('R-4');
    await value(a('reviews:submit', { resultId: od.resultId, grade: 2, seenReviewId: null }));
    expect(await value<ReadingQueueItem[]>(b('reviews:readings', { stage: 'second' }))).toHaveLength(1);
    await value(
      a('records:delete', { kind: 'patient', id: patient.id, reason: 'Registered twice by mistake' }),
    );
    expect(await value<ReadingQueueItem[]>(b('reviews:readings', { stage: 'second' }))).toEqual([]);
  });

  it('reads a random sample of normal first readings twice, fixed per result', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => i + 1);
    const share = ids.filter((id) => inSample(id, 10)).length / ids.length;
    expect(Math.abs(share - 0.1)).toBeLessThan(0.02);
    expect(ids.map((id) => inSample(id, 10))).toEqual(ids.map((id) => inSample(id, 10)));
    expect(ids.some((id) => inSample(id, 0))).toBe(false);
  });

  it('needs none when the site has it off, and the change of rule says why', async () => {
    expect(await admin('settings:update', { secondReading: null })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/Say why the second reading changes/) },
    });
    await value(
      admin('settings:update', { secondReading: null, reason: 'Single reading again from today.' }),
    );
    const { patient, od } = seed('R-3');
    await value(a('reviews:submit', { resultId: od.resultId, grade: 2, seenReviewId: null }));
    expect((await image(patient.id, 'OD')).reading).toMatchObject({ state: 'complete' });
  });
});
