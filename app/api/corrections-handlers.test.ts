import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import type { AppContext } from '../services/app-context.ts';
import { DEFAULT_REFERRAL_POLICY } from '../services/referral.ts';
import { insertGradedImage, memoryContext, staffDispatch, value } from '../test-helpers.ts';
import type { Dispatch } from './dispatch.ts';

// Clinical safety and correcting the record, through the same dispatch the UI calls.
let ctx: AppContext;
let dispatch: Dispatch;

beforeEach(() => {
  ctx = memoryContext({
    referableThreshold: 0.5,
    grade: () =>
      Promise.reject(new AppError('IMAGE_UNREADABLE', 'The file is not an image EyeNet can read.')),
  });
  dispatch = staffDispatch(ctx);
});
afterEach(() => ctx.db.close());

const tomorrow = () => new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

/** A patient with one visit whose two eyes the model graded. */
function screened(clinicId: string, date: string, grades: { OD: number | null; OS: number | null }) {
  const patient = createPatient(ctx.db, { clinicId, name: `Patient ${clinicId}` });
  const visit = createVisit(ctx.db, { patientId: patient.id, date });
  const od = insertGradedImage(ctx.db, visit.id, {
    eye: 'OD',
    grade: grades.OD,
    fileName: `${clinicId}-${date}_right.jpeg`,
    referableProbability: 0.1,
  });
  const os = insertGradedImage(ctx.db, visit.id, {
    eye: 'OS',
    grade: grades.OS,
    fileName: `${clinicId}-${date}_left.jpeg`,
    referableProbability: 0.1,
  });
  return { patient, visit, od, os };
}

const review = (resultId: number, grade: number | null, reason?: string) =>
  value(dispatch('reviews:submit', { resultId, grade, seenReviewId: null, ...(reason ? { reason } : {}) }));

describe('dates', () => {
  it('refuses a birth date or visit date in the future, in a sentence', async () => {
    const birth = await dispatch('patients:create', { clinicId: '1', name: 'A', dateOfBirth: '2090-01-01' });
    expect(birth).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Date of birth: The date is in the future.' },
    });
    const p = await value<{ id: number }>(
      dispatch('patients:create', { clinicId: '1', name: 'A', dateOfBirth: '1960-05-01' }),
    );
    expect(await dispatch('visits:create', { patientId: p.id, date: tomorrow() })).toMatchObject({
      ok: false,
      error: { message: 'Date: The date is in the future.' },
    });
    expect(await dispatch('visits:create', { patientId: p.id, date: '1950-01-01' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/before the patient's date of birth/) },
    });
    expect(await dispatch('patients:create', { name: 'B' })).toMatchObject({
      error: { message: 'Clinic ID is required.' },
    });
  });
});

describe('referral policy changes', () => {
  it('keep decided visits as they were decided, list the provisional ones they change, and refuse unsafe rules', async () => {
    const decided = screened('S-1', '2026-10-01', { OD: 3, OS: 1 });
    await review(decided.od.resultId, 3);
    await review(decided.os.resultId, 1);
    const open = screened('S-2', '2026-10-02', { OD: 2, OS: 0 });
    const lenient = { ...DEFAULT_REFERRAL_POLICY, '2': { action: 'rescreen', months: 24 } };

    const impact = await value<{ changed: { visitId: number; after: unknown }[]; decidedKept: number }>(
      dispatch('settings:policyImpact', { referralPolicy: lenient }),
    );
    expect(impact.decidedKept).toBe(1);
    expect(impact.changed).toEqual([
      expect.objectContaining({ visitId: open.visit.id, after: { action: 'rescreen', months: 24 } }),
    ]);

    const unsafe = { ...DEFAULT_REFERRAL_POLICY, '3': { action: 'rescreen', months: 60 } };
    expect(await dispatch('settings:update', { referralPolicy: unsafe })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/Severe NPDR must be referred/) },
    });
    await value(dispatch('settings:update', { referralPolicy: lenient }));
    const list = await value<{ clinicId: string; nextStep: { rule: { action: string } } }[]>(
      dispatch('patients:list', {}),
    );
    expect(list.find((p) => p.clinicId === 'S-1')!.nextStep.rule.action).toBe('refer_urgent');
    expect(list.find((p) => p.clinicId === 'S-2')!.nextStep.rule.action).toBe('rescreen');
  });
});

describe('next step', () => {
  it('is not hidden by a later visit without photographs', async () => {
    const { patient, od, os } = screened('N-1', '2026-10-01', { OD: 3, OS: 0 });
    await review(od.resultId, 3);
    await review(os.resultId, 0);
    await value(dispatch('visits:create', { patientId: patient.id, date: '2026-11-01' }));
    const [row] = await value<{ nextStep: unknown }[]>(dispatch('patients:list', { query: 'N-1' }));
    expect(row!.nextStep).toMatchObject({
      visitDate: '2026-10-01',
      rule: { action: 'refer_urgent' },
      final: true,
    });
  });
});

describe('imports', () => {
  it('asks before storing a photograph whose name names the other eye', async () => {
    const { visit } = screened('W-1', '2026-11-01', { OD: 0, OS: 0 });
    const out = await dispatch('images:import', {
      visitId: visit.id,
      eye: 'OD',
      fileName: 'W-1_left.jpeg',
      bytes: new Uint8Array([1, 2, 3]),
    });
    expect(out).toMatchObject({
      ok: false,
      error: { code: 'NEEDS_CONFIRMATION', message: expect.stringMatching(/file name says left eye/) },
    });
  });

  it('leaves no empty visit behind when the photograph cannot be read', async () => {
    const p = createPatient(ctx.db, { clinicId: 'F-1', name: 'Failed Import' });
    const out = await dispatch('images:import', {
      visit: { patientId: p.id, date: '2026-11-01' },
      fileName: 'F-1_left.jpeg',
      bytes: new Uint8Array([1, 2, 3]),
    });
    expect(out).toMatchObject({ ok: false, error: { code: 'IMAGE_UNREADABLE' } });
    const detail = await value<{ visits: unknown[] }>(dispatch('patients:get', { id: p.id }));
    expect(detail.visits).toEqual([]);
  });
});

describe('correcting the record', () => {
  type Detail = {
    visits: {
      id: number;
      date: string;
      operator: string;
      images: { id: number; eye: string; review: unknown }[];
    }[];
    changes: {
      action: string;
      entity: string;
      changedBy: string;
      reason: string;
      before: unknown;
      after: unknown;
    }[];
  };
  const detail = (id: number) => value<Detail>(dispatch('patients:get', { id }));

  it('edits a visit’s date, operator and camera with history', async () => {
    const { patient, visit } = screened('E-1', '2026-11-01', { OD: 0, OS: 0 });
    await value(
      dispatch('visits:update', {
        id: visit.id,
        date: '2026-10-31',
        operator: 'Kim',
        camera: 'Canon',
        version: visit.version,
      }),
    );
    const d = await detail(patient.id);
    expect(d.visits[0]).toMatchObject({ date: '2026-10-31', operator: 'Kim' });
    expect(d.changes[0]).toMatchObject({
      action: 'edit',
      changedBy: 'Dr Test',
      before: { date: '2026-11-01', operator: '', camera: '' },
      after: { date: '2026-10-31', operator: 'Kim', camera: 'Canon' },
    });
    expect(
      await dispatch('visits:update', {
        id: visit.id,
        date: '2026-10-31',
        operator: '',
        camera: '',
        version: visit.version,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'STALE', message: expect.stringMatching(/someone else saved first/) },
    });
  });

  it('moves a photograph to the other eye and to another visit; its result and review follow it', async () => {
    const { patient, visit, od } = screened('M-1', '2026-11-01', { OD: 2, OS: 0 });
    await review(od.resultId, 2);
    const moved = await value<{ eye: string; review: { clinicianGrade: number } }>(
      dispatch('images:move', {
        imageId: od.imageId,
        eye: 'OS',

        reason: 'Wrong eye at import',
      }),
    );
    expect(moved).toMatchObject({ eye: 'OS', review: { clinicianGrade: 2 } });
    const other = createVisit(ctx.db, { patientId: patient.id, date: '2026-10-01' });
    await value(
      dispatch('images:move', {
        imageId: od.imageId,
        visitId: other.id,

        reason: 'Last month’s photo',
      }),
    );
    const d = await detail(patient.id);
    expect(d.visits.find((v) => v.id === visit.id)!.images.map((i) => i.id)).not.toContain(od.imageId);
    expect(d.visits.find((v) => v.id === other.id)!.images[0]).toMatchObject({ id: od.imageId, eye: 'OS' });
    expect(d.changes.map((c) => c.action)).toEqual(['move', 'move']);
    expect(await dispatch('images:move', { imageId: od.imageId, eye: 'OS', reason: 'x' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/already in that visit and eye/) },
    });
  });

  it('deletes a photograph, a visit and a patient as tombstones that leave every list and can be restored', async () => {
    const { patient, visit, od } = screened('D-1', '2026-11-01', { OD: 1, OS: 0 });
    const queue = async () => (await value<unknown[]>(dispatch('reviews:queue', {}))).length;
    expect(await queue()).toBe(2);
    expect(await dispatch('records:delete', { kind: 'image', id: od.imageId, reason: '' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/Give a reason/) },
    });
    await value(
      dispatch('records:delete', {
        kind: 'image',
        id: od.imageId,

        reason: 'Another patient’s photo',
      }),
    );
    expect(await queue()).toBe(1);
    expect((await detail(patient.id)).visits[0]!.images).toHaveLength(1);

    await value(
      dispatch('records:delete', {
        kind: 'visit',
        id: visit.id,

        reason: 'Opened by mistake',
      }),
    );
    expect((await detail(patient.id)).visits).toEqual([]);
    expect(await queue()).toBe(0);

    await value(
      dispatch('records:delete', {
        kind: 'patient',
        id: patient.id,

        reason: 'Test registration',
      }),
    );
    expect(await value<unknown[]>(dispatch('patients:list', {}))).toEqual([]);
    expect(await dispatch('patients:get', { id: patient.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await dispatch('patients:create', { clinicId: 'D-1', name: 'Again' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/deleted. Restore that record/) },
    });

    const deleted = await value<{ kind: string; deletedBy: string; reason: string; label: string }[]>(
      dispatch('records:deleted', {}),
    );
    expect(deleted.map((d) => [d.kind, d.deletedBy, d.reason])).toEqual([
      ['patient', 'Dr Test', 'Test registration'],
      ['visit', 'Dr Test', 'Opened by mistake'],
      ['image', 'Dr Test', 'Another patient’s photo'],
    ]);
    // A visit cannot come back before its patient.
    expect(await dispatch('records:restore', { kind: 'visit', id: visit.id })).toMatchObject({ ok: false });
    for (const kind of ['patient', 'visit', 'image'] as const)
      await value(
        dispatch('records:restore', {
          kind,
          id: kind === 'patient' ? patient.id : kind === 'visit' ? visit.id : od.imageId,
        }),
      );
    expect(await queue()).toBe(2);
    const d = await detail(patient.id);
    expect(d.visits[0]!.images).toHaveLength(2);
    expect(d.changes.filter((c) => c.action === 'restore').map((c) => c.changedBy)).toEqual([
      'Dr Test',
      'Dr Test',
      'Dr Test',
    ]);
    expect(await value<unknown[]>(dispatch('records:deleted', {}))).toEqual([]);
  });

  it('merges a patient registered twice and un-merges on restore', async () => {
    const keep = screened('K-1', '2026-11-01', { OD: 0, OS: 0 });
    const dup = screened('K-1b', '2026-10-01', { OD: 1, OS: 1 });
    // The duplicate also has a visit on the kept patient's date: its photographs move into the kept visit.
    const sameDay = createVisit(ctx.db, { patientId: dup.patient.id, date: '2026-11-01' });
    const extra = insertGradedImage(ctx.db, sameDay.id, {
      eye: 'OD',
      grade: 2,
      fileName: 'retake_right.jpeg',
    });
    await value(
      dispatch('patients:merge', {
        keepId: keep.patient.id,
        mergeId: dup.patient.id,

        reason: 'Registered twice',
      }),
    );
    let d = await detail(keep.patient.id);
    expect(d.visits.map((v) => v.date)).toEqual(['2026-11-01', '2026-10-01']);
    expect(d.visits[0]!.images.map((i) => i.id)).toContain(extra.imageId);
    expect(
      (await value<{ clinicId: string }[]>(dispatch('patients:list', {}))).map((p) => p.clinicId),
    ).toEqual(['K-1']);
    const [stone] = await value<{ mergedInto: { clinicId: string } }[]>(dispatch('records:deleted', {}));
    expect(stone!.mergedInto.clinicId).toBe('K-1');

    await value(dispatch('records:restore', { kind: 'patient', id: dup.patient.id }));
    d = await detail(keep.patient.id);
    expect(d.visits.map((v) => v.date)).toEqual(['2026-11-01']);
    expect(d.visits[0]!.images.map((i) => i.id)).not.toContain(extra.imageId);
    const back = await detail(dup.patient.id);
    expect(back.visits.map((v) => v.date)).toEqual(['2026-11-01', '2026-10-01']);
  });
});

describe('worklists', () => {
  it('lists visits in a range, unreviewed results, open referrals and overdue recalls, searchable', async () => {
    const old = screened('R-1', '2024-01-10', { OD: 0, OS: 0 });
    await review(old.od.resultId, 0);
    await review(old.os.resultId, 0);
    screened('R-2', '2026-11-01', { OD: 2, OS: 0 });
    const lists = await value<{
      visits: unknown[];
      unreviewed: unknown[];
      referrals: { patient: { clinicId: string } }[];
      overdue: { patient: { clinicId: string }; daysOverdue: number }[];
    }>(dispatch('worklists:get', { from: '2026-11-01', to: '2026-11-30' }));
    expect(lists.visits).toHaveLength(1);
    expect(lists.unreviewed).toHaveLength(2);
    expect(lists.referrals.map((r) => r.patient.clinicId)).toEqual(['R-2']);
    expect(lists.overdue).toEqual([]); // R-1's visit is outside the range
    const all = await value<typeof lists>(dispatch('worklists:get', { query: 'R-1' }));
    expect(all.overdue.map((r) => r.patient.clinicId)).toEqual(['R-1']);
    expect(all.overdue[0]!.daysOverdue).toBeGreaterThan(0);
    expect(all.referrals).toEqual([]);
    expect(await dispatch('worklists:get', { from: '2026-12-01', to: '2026-11-01' })).toMatchObject({
      ok: false,
    });
  });

  it('lists an unreviewed visit whose photographs the model flagged as an open referral and a next step', async () => {
    // Grade 0 by the model, flagged referable (9.8% ≥ 6.8%), nobody has reviewed it yet: the referral is due.
    const patient = createPatient(ctx.db, { clinicId: 'F-1', name: 'Flagged Unreviewed' });
    const visit = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-02' });
    for (const eye of ['OD', 'OS'] as const)
      insertGradedImage(ctx.db, visit.id, {
        eye,
        grade: 0,
        fileName: `F-1_${eye}.jpeg`,
        referableProbability: eye === 'OD' ? 0.098 : 0.01,
        referableThreshold: 0.068,
      });
    const lists = await value<{
      referrals: { patient: { clinicId: string }; final: boolean; rule: { action: string } }[];
      unreviewed: { patient: { clinicId: string } }[];
    }>(dispatch('worklists:get', { query: 'F-1' }));
    expect(lists.referrals).toEqual([
      expect.objectContaining({ patient: expect.objectContaining({ clinicId: 'F-1' }), final: false }),
    ]);
    expect(lists.referrals[0]!.rule.action).toBe('refer');
    expect(lists.unreviewed.length).toBeGreaterThan(0);
    const detail = await value<{ nextStep: { rule: { action: string } } | null }>(
      dispatch('patients:get', { id: patient.id }),
    );
    expect(detail.nextStep?.rule.action).toBe('refer');
  });
});
