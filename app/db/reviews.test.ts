import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database.ts';
import { openMemoryDatabase } from './database.ts';
import { getImage } from './images-repo.ts';
import { createPatient, getPatient, updatePatient } from './patients-repo.ts';
import { countUnreviewed, insertReview, unreviewedResults } from './reviews-repo.ts';
import { createVisit, updateVisit } from './visits-repo.ts';
import { DEFAULT_REFERRAL_POLICY } from '../services/referral.ts';
import { insertGradedImage } from '../test-helpers.ts';

let db: Database;
beforeEach(() => {
  db = openMemoryDatabase();
});

const gradedImage = (visitId: number, grade: number | null) => insertGradedImage(db, visitId, { grade });

describe('patients: edit', () => {
  it('updates every field and refuses another patient’s clinic ID', () => {
    const ada = createPatient(db, { clinicId: 'A-1', name: 'Ada' });
    createPatient(db, { clinicId: 'B-2', name: 'Bea' });
    const updated = updatePatient(db, {
      id: ada.id,
      version: ada.version,
      clinicId: 'A-10',
      name: 'Ada L',
      diabetesType: 'type2',
      diagnosisYear: 2015,
      notes: 'Cataract left eye.',
    });
    expect(updated).toMatchObject({
      clinicId: 'A-10',
      name: 'Ada L',
      diabetesType: 'type2',
      diagnosisYear: 2015,
    });
    expect(updated.updatedAt).not.toBeNull();
    expect(() =>
      updatePatient(db, { id: ada.id, version: updated.version, clinicId: 'b-2', name: 'Ada' }),
    ).toThrowError(expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/Bea/) }));
    // Keeping one's own clinic ID is not a conflict.
    expect(
      updatePatient(db, { id: ada.id, version: updated.version, clinicId: 'A-10', name: 'Ada' }).name,
    ).toBe('Ada');
    expect(getPatient(db, ada.id).notes).toBe('');
  });

  it('refuses a save made from an older version: two people editing one patient, the second is told', () => {
    const ada = createPatient(db, { clinicId: 'V-1', name: 'Ada' });
    // Both open the form at version 1; the first saves.
    const first = updatePatient(db, { id: ada.id, version: ada.version, clinicId: 'V-1', name: 'Ada Byron' });
    expect(first.version).toBe(ada.version + 1);
    expect(() =>
      updatePatient(db, { id: ada.id, version: ada.version, clinicId: 'V-1', name: 'Ada Lovelace' }),
    ).toThrowError(
      expect.objectContaining({ code: 'STALE', message: expect.stringMatching(/someone else/) }),
    );
    expect(getPatient(db, ada.id).name).toBe('Ada Byron');
  });
});

describe('visits: operator and camera', () => {
  it('fills them in on a second create for the same date without overwriting, and edits them', () => {
    const p = createPatient(db, { clinicId: 'A', name: 'A' });
    const v = createVisit(db, { patientId: p.id, date: '2026-11-27' });
    expect(v).toMatchObject({ operator: '', camera: '' });
    expect(
      createVisit(db, { patientId: p.id, date: '2026-11-27', operator: 'Sam', camera: 'Topcon' }),
    ).toMatchObject({
      id: v.id,
      operator: 'Sam',
      camera: 'Topcon',
    });
    expect(createVisit(db, { patientId: p.id, date: '2026-11-27', operator: 'Kim' }).operator).toBe('Sam');
    const edited = updateVisit(db, v.id, { date: v.date, operator: 'Kim', camera: 'Canon CR-2', version: 1 });
    expect(edited).toMatchObject({ operator: 'Kim', camera: 'Canon CR-2', version: 2 });
    // A second edit from the version before is refused, not silently applied over the first.
    expect(() =>
      updateVisit(db, v.id, { date: v.date, operator: 'Lee', camera: '', version: 1 }),
    ).toThrowError(expect.objectContaining({ code: 'STALE' }));
  });
});

describe('reviews', () => {
  it('needs a reason to clear a referable flag, even when the clinician agrees with the model’s grade 0', () => {
    const p = createPatient(db, { clinicId: 'F', name: 'F' });
    const v = createVisit(db, { patientId: p.id, date: '2026-11-27' });
    const { resultId } = insertGradedImage(db, v.id, {
      grade: 0,
      referableProbability: 0.098,
      referableThreshold: 0.068,
    });
    expect(() =>
      insertReview(db, { resultId, grade: 0, seenReviewId: null, reviewer: 'Dr K' }, DEFAULT_REFERRAL_POLICY),
    ).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/clear the flag/) }),
    );
    expect(
      insertReview(
        db,
        { resultId, grade: 0, reason: 'Reflex artefact, no lesion', seenReviewId: null, reviewer: 'Dr K' },
        DEFAULT_REFERRAL_POLICY,
      ),
    ).toMatchObject({ action: 'accept', clinicianGrade: 0, reason: 'Reflex artefact, no lesion' });
  });

  it('records M0/M1 with the grade: M0 where the model flagged maculopathy needs a reason, an ungradable eye has none', () => {
    const p = createPatient(db, { clinicId: 'M', name: 'M' });
    const v = createVisit(db, { patientId: p.id, date: '2026-11-27' });
    const flagged = {
      status: 'assessed',
      probability: 0.62,
      threshold: 0.41,
      flagged: true,
      fovea: { x: 0.6, y: 0.5 },
    } as const;
    const { resultId, imageId } = insertGradedImage(db, v.id, {
      grade: 1,
      referableProbability: 0.1,
      maculopathy: flagged,
    });
    expect(getImage(db, imageId).result?.maculopathy).toEqual(flagged);
    const review = (maculopathy: boolean | null, reason?: string) =>
      insertReview(
        db,
        {
          resultId,
          grade: 1,
          maculopathy,
          seenReviewId: null,
          reviewer: 'Dr M',
          ...(reason ? { reason } : {}),
        },
        DEFAULT_REFERRAL_POLICY,
      );
    expect(() => review(false)).toThrowError(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/flagged maculopathy/),
      }),
    );
    expect(review(false, 'Drusen, not exudates')).toMatchObject({
      clinicianMaculopathy: false,
      action: 'accept',
    });

    const other = insertGradedImage(db, v.id, { grade: 2, eye: 'OS' });
    expect(getImage(db, other.imageId).result?.maculopathy).toEqual({ status: 'not_assessed' });
    expect(
      insertReview(
        db,
        { resultId: other.resultId, grade: 2, maculopathy: true, seenReviewId: null, reviewer: 'Dr M' },
        DEFAULT_REFERRAL_POLICY,
      ),
    ).toMatchObject({ clinicianMaculopathy: true });
    const blurred = insertGradedImage(db, v.id, { grade: null, maculopathy: flagged });
    // Ungradable: nothing about the macula is stored, whatever was handed over.
    expect(getImage(db, blurred.imageId).result?.maculopathy).toEqual({ status: 'not_assessed' });
    expect(() =>
      insertReview(
        db,
        { resultId: blurred.resultId, grade: null, maculopathy: true, seenReviewId: null, reviewer: 'Dr M' },
        DEFAULT_REFERRAL_POLICY,
      ),
    ).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/ungradable/) }),
    );
  });

  it('keeps the model grade beside an accept or an override, and needs a reason to override', () => {
    const p = createPatient(db, { clinicId: 'A', name: 'A' });
    const v = createVisit(db, { patientId: p.id, date: '2026-11-27' });
    const { imageId, resultId } = gradedImage(v.id, 2);
    expect(() =>
      insertReview(db, { resultId, grade: 1, seenReviewId: null, reviewer: 'Dr K' }, DEFAULT_REFERRAL_POLICY),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    const accept = insertReview(
      db,
      { resultId, grade: 2, seenReviewId: null, reviewer: 'Dr K' },
      DEFAULT_REFERRAL_POLICY,
    );
    expect(accept).toMatchObject({ action: 'accept', modelGrade: 2, clinicianGrade: 2, reviewer: 'Dr K' });
    // A second clinician who opened the result before the first saved is told, and nothing is replaced.
    expect(() =>
      insertReview(
        db,
        { resultId, grade: 1, reason: 'Artefact', seenReviewId: null, reviewer: 'Dr M' },
        DEFAULT_REFERRAL_POLICY,
      ),
    ).toThrowError(
      expect.objectContaining({ code: 'STALE', message: expect.stringMatching(/Dr K reviewed/) }),
    );
    expect(db.prepare('SELECT COUNT(*) AS n FROM reviews').get()).toEqual({ n: 1 });
    // Having seen Dr K's review, Dr M may override it.
    const override = insertReview(
      db,
      { resultId, grade: 1, reason: 'Artefact, not haemorrhage', seenReviewId: accept.id, reviewer: 'Dr M' },
      DEFAULT_REFERRAL_POLICY,
    );
    expect(override).toMatchObject({ action: 'override', modelGrade: 2, clinicianGrade: 1 });
    // The latest review is the one in force; both stay on record, and the result is untouched.
    expect(getImage(db, imageId).review?.id).toBe(override.id);
    expect(getImage(db, imageId).result?.grade).toBe(2);
    expect(db.prepare('SELECT COUNT(*) AS n FROM reviews').get()).toEqual({ n: 2 });
    expect(() =>
      insertReview(
        db,
        { resultId: 999, grade: 0, seenReviewId: null, reviewer: 'x' },
        DEFAULT_REFERRAL_POLICY,
      ),
    ).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('lists only unreviewed latest results; confirming an ungradable photo takes it off the queue', () => {
    const p = createPatient(db, { clinicId: 'A', name: 'A' });
    const v = createVisit(db, { patientId: p.id, date: '2026-11-27' });
    const a = gradedImage(v.id, 0);
    const b = gradedImage(v.id, null);
    expect(unreviewedResults(db).map((r) => r.resultId)).toEqual([a.resultId, b.resultId]);
    expect(countUnreviewed(db)).toBe(2);
    insertReview(
      db,
      { resultId: b.resultId, grade: null, seenReviewId: null, reviewer: 'Dr K' },
      DEFAULT_REFERRAL_POLICY,
    );
    expect(unreviewedResults(db).map((r) => r.resultId)).toEqual([a.resultId]);
    expect(countUnreviewed(db)).toBe(1);
  });
});
