import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LearningStatus } from '../../contract/index.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { createPatient } from '../db/patients-repo.ts';
import { insertReview } from '../db/reviews-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import type { AppContext } from '../services/app-context.ts';
import { DEFAULT_REFERRAL_POLICY } from '../services/referral.ts';
import { insertGradedImage, memoryContext, staffDispatch, value } from '../test-helpers.ts';
import { DEFAULT_PROMOTION_MARGIN, MAX_PROMOTION_MARGIN, referablePatientsNeeded } from './promotion.ts';
import { readinessGaps } from './readiness.ts';
import { HELD_OUT_FRACTION, isHeldOut, validatedSet } from './validated-set.ts';

let ctx: AppContext;
let dispatch: Dispatch;
beforeEach(() => {
  ctx = memoryContext();
  dispatch = staffDispatch(ctx);
});
afterEach(() => ctx.db.close());

const review = (resultId: number, grade: number | null, reason = 'checked', maculopathy?: boolean) =>
  insertReview(
    ctx.db,
    { resultId, grade, reason, seenReviewId: null, reviewer: 'Dr Lee', maculopathy },
    DEFAULT_REFERRAL_POLICY,
  );

describe('the validated set', () => {
  it('holds gradable photographs a clinician graded, each once, and says why the rest are out', () => {
    const ann = createPatient(ctx.db, { clinicId: 'A', name: 'Ann' });
    const v1 = createVisit(ctx.db, { patientId: ann.id, date: '2026-10-01' });
    const v2 = createVisit(ctx.db, { patientId: ann.id, date: '2026-11-01' });
    const confirmed = insertGradedImage(ctx.db, v1.id, { grade: 2, eye: 'OD', fileName: 'a-right.jpeg' });
    review(confirmed.resultId, 2);
    // The same photograph imported again at the next visit, graded again: counted once, with the later grade.
    const again = insertGradedImage(ctx.db, v2.id, { grade: 2, eye: 'OD', fileName: 'a-right.jpeg' });
    review(again.resultId, 3, 'checked', true);
    const ungradable = insertGradedImage(ctx.db, v2.id, { grade: null, eye: 'OS', fileName: 'a-left.jpeg' });
    review(ungradable.resultId, null);
    insertGradedImage(ctx.db, v2.id, { grade: 0, eye: 'OS', fileName: 'a-left-2.jpeg' });
    const overridden = insertGradedImage(ctx.db, v1.id, {
      grade: 0,
      eye: 'OS',
      fileName: 'a-left-0.jpeg',
      referableProbability: 0.01,
    });
    review(overridden.resultId, 3, 'haemorrhages in all quadrants');
    // Grade 0 but flagged referable, cleared by the clinician: the disagreement is about the flag, so it says so.
    const flagged = insertGradedImage(ctx.db, v1.id, {
      grade: 0,
      eye: 'OD',
      fileName: 'a-right-flagged.jpeg',
      referableProbability: 0.098,
      referableThreshold: 0.068,
    });
    review(flagged.resultId, 0, 'no lesions; the flag is a reflex');

    const set = validatedSet(ctx.db);
    expect(set.summary).toEqual({
      photographs: 3,
      patients: 1,
      byGrade: [1, 0, 0, 2, 0],
      referablePatients: 1,
      // The clinician's M1 goes with the photograph: a candidate's maculopathy head is refitted on such readings.
      maculopathyReadings: { m1: 1, m0: 0 },
      excluded: { ungradable: 1, unreviewed: 1, duplicates: 1 },
    });
    expect(set.photographs.find((p) => p.sha256 === 'sha-a-right.jpeg')).toMatchObject({
      grade: 3,
      modelGrade: 2,
      maculopathy: true,
    });
    // Model 0 and clinician 3: offered for a second look. Model 2 and clinician 3 with a referable flag: not.
    expect(set.disagreements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          fileName: 'a-left-0.jpeg',
          modelGrade: 0,
          modelFlag: { referable: false, probability: 0.01, threshold: expect.any(Number) },
          clinicianGrade: 3,
          reviewer: 'Dr Lee',
        }),
        expect.objectContaining({
          fileName: 'a-right-flagged.jpeg',
          modelGrade: 0,
          modelFlag: { referable: true, probability: 0.098, threshold: 0.068 },
          clinicianGrade: 0,
        }),
      ]),
    );
    expect(set.disagreements).toHaveLength(2);
  });

  it('says what a fine-tune still needs, and nothing once the set is large enough', async () => {
    const status = await value<LearningStatus>(dispatch('learning:status', {}));
    expect(status.set.photographs).toBe(0);
    expect(status.gaps.map((g) => g.what)).toEqual([
      'Photographs of grade 0 (No DR)',
      'Photographs of grade 1 (Mild NPDR)',
      'Photographs of grade 2 (Moderate NPDR)',
      'Photographs of grade 3 (Severe NPDR)',
      'Photographs of grade 4 (Proliferative DR)',
      'Referable photographs (grade 2 or worse) to train on',
      'Non-referable photographs (grade 0–1) to train on',
      'Held-out patients with referable DR, to judge a new model on',
    ]);
    const photographs = Array.from({ length: 600 }, (_, i) => ({
      imageId: i,
      patientId: i,
      clinicId: `P${i}`,
      eye: 'OD' as const,
      sha256: String(i),
      grade: i % 5,
      modelGrade: 0,
      referableProbability: 0.1,
      referableThreshold: 0.5,
      maculopathy: null,
    }));
    expect(readinessGaps(photographs)).toEqual([]);
    const heldOutReferable = (set: typeof photographs) =>
      set.filter((p) => isHeldOut(p.clinicId) && p.grade >= 2).length;
    // A fine-tune waits for the held-out referable patients the promotion gate needs at the site's margin.
    const fewHeldOut = photographs.filter(
      (p) => !isHeldOut(p.clinicId) || p.grade < 2 || p.imageId % 3 === 0,
    );
    expect(heldOutReferable(fewHeldOut)).toBeLessThan(referablePatientsNeeded(DEFAULT_PROMOTION_MARGIN));
    expect(readinessGaps(fewHeldOut)).toEqual([
      {
        what: 'Held-out patients with referable DR, to judge a new model on',
        needed: referablePatientsNeeded(DEFAULT_PROMOTION_MARGIN),
        have: heldOutReferable(fewHeldOut),
        forJudging: true,
      },
    ]);
    // A site that allows a wider margin needs fewer; a stricter one, more.
    expect(readinessGaps(fewHeldOut, MAX_PROMOTION_MARGIN)).toEqual([]);
    expect(referablePatientsNeeded(0.01)).toBeGreaterThan(referablePatientsNeeded(0.02));
  });

  it('holds out about 30% of patients, each always on the same side', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `srahim${i}`);
    const share = ids.filter(isHeldOut).length / ids.length;
    expect(Math.abs(share - HELD_OUT_FRACTION)).toBeLessThan(0.03);
    expect(ids.map(isHeldOut)).toEqual(ids.map(isHeldOut));
  });
});
