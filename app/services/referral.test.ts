import { describe, expect, it } from 'vitest';
import type { Eye, FundusImage, GradeResult, Review } from '../../contract/index.ts';
import { DEFAULT_REFERRAL_POLICY, visitOutcome } from './referral.ts';

let nextId = 1;

function photo(
  eye: Eye,
  grade: number | null,
  options: { p?: number; threshold?: number; review?: number | null } = {},
): FundusImage {
  const id = nextId++;
  const result = {
    id,
    imageId: id,
    grade,
    quality: { gradable: grade !== null, reasons: grade === null ? ['blurred'] : [], metrics: {} },
    probabilities: grade === null ? null : [0.2, 0.2, 0.2, 0.2, 0.2],
    referableProbability: grade === null ? null : (options.p ?? 0.01),
    referableThreshold: options.threshold ?? 0.5,
  } as unknown as GradeResult;
  const review: Review | null =
    options.review === undefined
      ? null
      : {
          id,
          resultId: id,
          modelGrade: grade,
          clinicianGrade: options.review,
          action: options.review === grade ? 'accept' : 'override',
          reason: 'x',
          reviewer: 'Dr Test',
          reviewedAt: '2026-11-27T10:00:00Z',
        };
  return {
    id,
    visitId: 1,
    eye,
    fileName: `${id}.jpeg`,
    sha256: '',
    width: 1,
    height: 1,
    importedAt: '',
    result,
    review,
  };
}

const outcome = (images: FundusImage[]) => visitOutcome(images, DEFAULT_REFERRAL_POLICY);

describe('visit outcome (ICDR/AAO defaults)', () => {
  it('maps each grade to rescreen 12 months, refer within 3 months, or refer urgently', () => {
    const expected = [
      { action: 'rescreen', months: 12 },
      { action: 'rescreen', months: 12 },
      { action: 'refer', months: 3 },
      { action: 'refer_urgent', months: null },
      { action: 'refer_urgent', months: null },
    ];
    for (let grade = 0; grade <= 4; grade++) {
      const o = outcome([photo('OD', grade), photo('OS', 0)]);
      expect(o.rule).toEqual(expected[grade]);
    }
  });

  it('lets the worse eye decide', () => {
    const o = outcome([photo('OD', 1), photo('OS', 3)]);
    expect(o.decidingEye).toBe('OS');
    expect(o.category).toBe('3');
    expect(o.eyes.OD.grade).toBe(1);
  });

  it('asks to re-image an ungradable eye, and refers when it stays ungradable', () => {
    expect(outcome([photo('OD', 0), photo('OS', null)]).rule.action).toBe('reimage');
    const again = outcome([photo('OD', 0), photo('OS', null), photo('OS', null)]);
    expect(again.category).toBe('ungradable_again');
    expect(again.rule).toEqual({ action: 'refer', months: 3 });
    // A gradable re-take settles the eye.
    expect(outcome([photo('OD', 0), photo('OS', null), photo('OS', 1)]).category).toBe('1');
  });

  it('never lets a referable flag be undone by a low argmax grade', () => {
    const o = outcome([photo('OD', 0, { p: 0.3, threshold: 0.2 }), photo('OS', 0)]);
    expect(o.eyes.OD).toMatchObject({ grade: 2, raisedByReferableFlag: true, source: 'model' });
    expect(o.rule.action).toBe('refer');
  });

  it("uses the clinician's grade once reviewed, including a grade for a photo the model could not grade", () => {
    const o = outcome([
      photo('OD', 0, { p: 0.3, threshold: 0.2, review: 0 }),
      photo('OS', null, { review: 2 }),
    ]);
    expect(o.eyes.OD).toMatchObject({ grade: 0, source: 'clinician', raisedByReferableFlag: false });
    expect(o.eyes.OS).toMatchObject({ grade: 2, source: 'clinician' });
    expect(o.final).toBe(true);
  });

  it('treats a missing eye as not yet screened and is not final until every photo is reviewed', () => {
    const o = outcome([photo('OD', 0)]);
    expect(o.eyes.OS.category).toBe('missing');
    expect(o.decidingEye).toBe('OS');
    expect(o.rule.action).toBe('reimage');
    expect(o.final).toBe(false);
    expect(outcome([]).decidingEye).toBeNull();
  });

  it('follows a site policy', () => {
    const policy = { ...DEFAULT_REFERRAL_POLICY, '1': { action: 'rescreen' as const, months: 6 } };
    expect(visitOutcome([photo('OD', 1), photo('OS', 0)], policy).rule).toEqual({
      action: 'rescreen',
      months: 6,
    });
  });
});
