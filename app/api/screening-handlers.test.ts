import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPatient } from '../db/patients-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import type { AppContext } from '../services/app-context.ts';
import { insertGradedImage, memoryContext, staffDispatch, value } from '../test-helpers.ts';
import type { Dispatch } from './dispatch.ts';

// The screening-day channels that need no grading: patients edit, import plans, settings, the review queue.
let ctx: AppContext;
let dispatch: Dispatch;

// A fresh in-memory database for every test: no test depends on another's rows.
beforeEach(() => {
  ctx = memoryContext({ referableThreshold: 0.2 });
  dispatch = staffDispatch(ctx);
});
afterEach(() => ctx.db.close());

describe('patients:update', () => {
  it('validates diabetes fields and explains a duplicate clinic ID', async () => {
    const a = await value<{ id: number }>(dispatch('patients:create', { clinicId: '10', name: 'Ann' }));
    await value(dispatch('patients:create', { clinicId: '13', name: 'Ben' }));
    expect(
      await dispatch('patients:update', {
        id: a.id,
        version: 1,
        clinicId: '10',
        name: 'Ann',
        diagnosisYear: 1800,
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Year/) } });
    expect(
      await dispatch('patients:update', {
        id: a.id,
        version: 1,
        clinicId: '10',
        name: 'Ann',
        diabetesType: 'type9',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(
      await dispatch('patients:update', { id: a.id, version: 1, clinicId: '13', name: 'Ann' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/Ben/) },
    });
    expect(
      await dispatch('patients:update', {
        id: a.id,
        version: 1,
        clinicId: '10',
        name: 'Ann',
        diabetesType: 'type1',
        diagnosisYear: 2001,
      }),
    ).toMatchObject({ ok: true, value: { diabetesType: 'type1', diagnosisYear: 2001 } });
  });
});

describe('imports:plan', () => {
  beforeEach(async () => {
    await value(dispatch('patients:create', { clinicId: '10', name: 'Ann' }));
    await value(dispatch('patients:create', { clinicId: '13', name: 'Ben' }));
  });

  it('matches file names to registered patients and says why the others are skipped', async () => {
    const plan = await value<
      { fileName: string; patient: { clinicId: string } | null; eye: string | null; problem: string | null }[]
    >(
      dispatch('imports:plan', {
        fileNames: ['10_left.jpeg', '13_right.jpeg', '15_left.jpeg', 'notes.txt', 'IMG_1.jpeg', '10.jpeg'],
        target: { kind: 'pattern' },
      }),
    );
    expect(plan.map((p) => [p.fileName, p.patient?.clinicId ?? null, p.eye])).toEqual([
      ['10_left.jpeg', '10', 'OS'],
      ['13_right.jpeg', '13', 'OD'],
      ['15_left.jpeg', null, 'OS'],
      ['notes.txt', null, null],
      ['IMG_1.jpeg', null, null],
      ['10.jpeg', null, null],
    ]);
    expect(plan.map((p) => p.problem === null)).toEqual([true, true, false, false, false, false]);
    expect(plan[2]?.problem).toMatch(/No patient with clinic ID “15”/);
    expect(plan[3]?.problem).toMatch(/Not a photograph/);
    expect(plan[4]?.problem).toMatch(/does not match/);
  });

  it('sends every file to one chosen patient, reading the eye from the name', async () => {
    const [ann] = await value<{ id: number; nextStep: unknown }[]>(
      dispatch('patients:list', { query: 'Ann' }),
    );
    expect(ann?.nextStep).toBeNull();
    const plan = await value<
      { patient: { id: number } | null; eye: string | null; problem: string | null }[]
    >(
      dispatch('imports:plan', {
        fileNames: ['a_right.png', 'b.png'],
        target: { kind: 'patient', patientId: ann!.id },
      }),
    );
    expect(plan[0]).toMatchObject({ patient: { id: ann!.id }, eye: 'OD', problem: null });
    expect(plan[1]?.problem).toMatch(/which eye/);
  });

  it('refuses an empty batch, a bad pattern and an unknown patient', async () => {
    expect(await dispatch('imports:plan', { fileNames: [], target: { kind: 'pattern' } })).toMatchObject({
      ok: false,
    });
    expect(
      await dispatch('imports:plan', { fileNames: ['a.jpg'], target: { kind: 'pattern', pattern: '{eye}' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/clinicId/) },
    });
    expect(
      await dispatch('imports:plan', { fileNames: ['a.jpg'], target: { kind: 'patient', patientId: 999 } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('settings:update', () => {
  it('stores a referral policy and import pattern, restores defaults, and refuses inconsistent rules', async () => {
    const before = await value<{ referralPolicy: Record<string, unknown>; importPattern: string }>(
      dispatch('settings:get', {}),
    );
    expect(before.importPattern).toBe('{clinicId}_{eye}');
    expect(before.referralPolicy['2']).toEqual({ action: 'refer', months: 3 });
    const policy = { ...before.referralPolicy, '1': { action: 'rescreen', months: 6 } };
    const after = await value<{
      referralPolicy: Record<string, unknown>;
      importPattern: string;
      referableThreshold: number | null;
    }>(dispatch('settings:update', { referralPolicy: policy, importPattern: 'DR-{clinicId}-{eye}' }));
    expect(after.referralPolicy['1']).toEqual({ action: 'rescreen', months: 6 });
    expect(after.importPattern).toBe('DR-{clinicId}-{eye}');
    expect(after.referableThreshold).toBeNull();
    for (const bad of [
      { referralPolicy: { ...policy, '2': { action: 'refer', months: null } } },
      { referralPolicy: { ...policy, '3': { action: 'refer_urgent', months: 2 } } },
      { referralPolicy: { '0': { action: 'rescreen', months: 12 } } },
      { importPattern: 'no placeholder' },
    ])
      expect(await dispatch('settings:update', bad)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    const reset = await value<{ referralPolicy: Record<string, unknown>; importPattern: string }>(
      dispatch('settings:update', { referralPolicy: null, importPattern: null }),
    );
    expect(reset.referralPolicy).toEqual(before.referralPolicy);
    expect(reset.importPattern).toBe('{clinicId}_{eye}');
  });
});

describe('reviews:queue', () => {
  it('puts referable results first (most probable first), then ungradable, then the rest, a visit at a time', async () => {
    const patient = createPatient(ctx.db, { clinicId: 'Q-1', name: 'Queue' });
    const visit = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-27' });
    const add = (fileName: string, grade: number | null, p?: number) =>
      insertGradedImage(ctx.db, visit.id, {
        fileName,
        grade,
        referableProbability: p,
        referableThreshold: 0.3,
      });
    add('low.jpeg', 0, 0.1);
    add('blurred.jpeg', null);
    add('referable.jpeg', 0, 0.4);
    add('more-referable.jpeg', 2, 0.9);
    add('also-low.jpeg', 1, 0.2);
    const queue = await value<{ image: { fileName: string }; referable: boolean }[]>(
      dispatch('reviews:queue', {}),
    );
    expect(queue.map((i) => [i.image.fileName, i.referable])).toEqual([
      ['more-referable.jpeg', true],
      ['referable.jpeg', true],
      ['blurred.jpeg', false],
      ['low.jpeg', false],
      ['also-low.jpeg', false],
    ]);
    // A visit at a time: another patient's visit with only a low result comes after this one, and its left eye
    // follows its right even when less urgent than a result of a later visit.
    const other = createPatient(ctx.db, { clinicId: 'Q-2', name: 'Queue Two' });
    const later = createVisit(ctx.db, { patientId: other.id, date: '2026-11-27' });
    insertGradedImage(ctx.db, later.id, {
      fileName: 'q2-right.jpeg',
      eye: 'OD',
      grade: 2,
      referableProbability: 0.95,
      referableThreshold: 0.3,
    });
    insertGradedImage(ctx.db, later.id, {
      fileName: 'q2-left.jpeg',
      eye: 'OS',
      grade: 0,
      referableProbability: 0.05,
      referableThreshold: 0.3,
    });
    const grouped = await value<{ image: { fileName: string } }[]>(dispatch('reviews:queue', {}));
    expect(grouped.map((i) => i.image.fileName)).toEqual([
      'q2-right.jpeg',
      'q2-left.jpeg',
      'more-referable.jpeg',
      'referable.jpeg',
      'blurred.jpeg',
      'low.jpeg',
      'also-low.jpeg',
    ]);
    // The patient list carries the next step: here the referable right eye refers (no left eye yet).
    const [row] = await value<{ nextStep: unknown }[]>(dispatch('patients:list', { query: 'Queue' }));
    expect(row?.nextStep).toEqual({
      visitId: visit.id,
      visitDate: '2026-11-27',
      rule: { action: 'refer', months: 3 },
      final: false,
      dueDate: '2027-02-27',
    });
  });
});

describe('reviews:submit', () => {
  it('refuses a review without a reviewer or with an impossible grade', async () => {
    for (const input of [
      { resultId: 1, grade: 2, reviewer: ' ', reason: 'r' },
      { resultId: 1, grade: 5, reviewer: 'Dr K', reason: 'r' },
      { resultId: 1, grade: 1.5, reviewer: 'Dr K', reason: 'r' },
    ])
      expect(await dispatch('reviews:submit', input)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
  });
});
