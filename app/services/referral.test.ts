import { alsoNeededText, eyeFinding } from '../../contract/referral-text.ts';
import { describe, expect, it } from 'vitest';
import type { Eye, FundusImage, GradeResult, ReferralPolicy, Review } from '../../contract/index.ts';
import type { Visit } from '../../contract/index.ts';
import { DEFAULT_REFERRAL_POLICY, assertSafePolicy, nextStep, visitOutcome } from './referral.ts';

let nextId = 1;

function photo(
  eye: Eye,
  grade: number | null,
  options: {
    p?: number;
    threshold?: number;
    review?: number | null;
    policy?: ReferralPolicy;
    /** The model's maculopathy probability (its point is 0.4); absent: not assessed. */
    macula?: number;
    /** The clinician's M0 (false) / M1 (true). */
    m?: boolean | null;
  } = {},
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
    maculopathy:
      options.macula === undefined
        ? { status: 'not_assessed' }
        : {
            status: 'assessed',
            probability: options.macula,
            threshold: 0.4,
            flagged: options.macula >= 0.4,
            fovea: { x: 0.5, y: 0.5 },
          },
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
          referralPolicy: options.policy ?? DEFAULT_REFERRAL_POLICY,
          stage: 'first',
          clinicianMaculopathy: options.m ?? null,
        };
  return {
    id,
    visitId: 1,
    eye,
    fileName: `${id}.jpeg`,
    sha256: '',
    width: 1,
    height: 1,
    reading: null,
    reviewHistory: [],
    importedAt: '',
    dicom: null,
    result,
    review,
    earlier: null,
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

  it('keeps the other eye’s re-imaging beside the deciding eye’s referral', () => {
    const o = outcome([photo('OD', 2, { review: 2 }), photo('OS', null, { review: null })]);
    expect(o.rule.action).toBe('refer');
    expect(o.decidingEye).toBe('OD');
    expect(o.alsoNeeded).toEqual({ eye: 'OS', rule: DEFAULT_REFERRAL_POLICY.ungradable });
    expect(alsoNeededText(o)).toBe('Also: re-image the left eye now.');
    // A missing eye too; and nothing more when both eyes need the same.
    expect(outcome([photo('OD', 3)]).alsoNeeded).toEqual({
      eye: 'OS',
      rule: DEFAULT_REFERRAL_POLICY.ungradable,
    });
    expect(outcome([photo('OD', null), photo('OS', null)]).alsoNeeded).toBeNull();
    expect(outcome([photo('OD', 0), photo('OS', 1)]).alsoNeeded).toBeNull();
  });

  it('never lets a referable flag be undone by a low argmax grade', () => {
    const o = outcome([photo('OD', 0, { p: 0.3, threshold: 0.2 }), photo('OS', 0)]);
    // Referred as grade 2 would be, but the grade kept is the one the model gave, and the flag is a flag.
    expect(o.eyes.OD).toMatchObject({
      grade: 0,
      category: '2',
      raisedByReferableFlag: true,
      flag: { probability: 0.3, threshold: 0.2 },
      source: 'model',
    });
    expect(o.rule.action).toBe('refer');
    expect(eyeFinding(o.eyes.OD)).toBe(
      'Referable DR flagged by the screening model (probability 30.0%, at or above the operating point 20.0%; ' +
        'most likely grade No DR), awaiting clinician review',
    );
    expect(eyeFinding(o.eyes.OD)).not.toMatch(/Moderate/);
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

describe('a decided visit keeps the policy it was decided under', () => {
  const lenient = { ...DEFAULT_REFERRAL_POLICY, '2': { action: 'rescreen' as const, months: 6 } };

  it('judges a final visit by the policy stored with its latest review, a provisional one by today’s', () => {
    const decided = [photo('OD', 2, { review: 2 }), photo('OS', 0, { review: 0 })];
    const o = visitOutcome(decided, lenient);
    expect(o).toMatchObject({ final: true, policy: 'decided', rule: { action: 'refer', months: 3 } });
    const provisional = visitOutcome([photo('OD', 2, { review: 2 }), photo('OS', 0)], lenient);
    expect(provisional).toMatchObject({
      final: false,
      policy: 'current',
      rule: { action: 'rescreen', months: 6 },
    });
  });
});

describe('next step: the most urgent open decision', () => {
  let visitId = 100;
  function visit(date: string, images: FundusImage[]): Visit & { outcome: ReturnType<typeof outcome> } {
    const v = {
      id: visitId++,
      patientId: 1,
      date,
      operator: '',
      camera: '',
      createdAt: '',
      version: 1,
      visualAcuity: { right: '', left: '' },
      dilated: null,
      hba1c: null,
    };
    return { ...v, outcome: outcome(images) };
  }
  const severeConfirmed = () =>
    visit('2026-10-01', [photo('OD', 3, { review: 3 }), photo('OS', 1, { review: 1 })]);

  it('is never hidden by a later visit without photographs', () => {
    const step = nextStep([severeConfirmed(), visit('2026-11-20', [])]);
    expect(step).toMatchObject({ visitDate: '2026-10-01', rule: { action: 'refer_urgent' }, final: true });
  });

  it('is never hidden by a later provisional or ungradable visit', () => {
    const later = visit('2026-11-20', [photo('OD', null), photo('OS', 0)]);
    expect(nextStep([severeConfirmed(), later])).toMatchObject({ rule: { action: 'refer_urgent' } });
  });

  it('is superseded by a later final visit with a gradable decision', () => {
    const later = visit('2026-11-20', [photo('OD', 1, { review: 1 }), photo('OS', 0, { review: 0 })]);
    expect(nextStep([severeConfirmed(), later])).toMatchObject({
      visitDate: '2026-11-20',
      rule: { action: 'rescreen', months: 12 },
      dueDate: '2027-11-20',
    });
  });

  it('is null before any photograph', () => {
    expect(nextStep([visit('2026-11-20', [])])).toBeNull();
  });
});

describe('policy safety', () => {
  it('refuses a policy that sends severe NPDR or PDR to rescreen or re-imaging', () => {
    expect(() => assertSafePolicy(DEFAULT_REFERRAL_POLICY)).not.toThrow();
    for (const category of ['3', '4'] as const)
      for (const action of ['rescreen', 'reimage'] as const)
        expect(() =>
          assertSafePolicy({
            ...DEFAULT_REFERRAL_POLICY,
            [category]: { action, months: action === 'rescreen' ? 60 : null },
          }),
        ).toThrow(/must be referred/);
    expect(() =>
      assertSafePolicy({ ...DEFAULT_REFERRAL_POLICY, '3': { action: 'refer', months: 1 } }),
    ).not.toThrow();
  });
});

describe('maculopathy in the referral (issue #23)', () => {
  it('refers an eye with the model’s maculopathy flag as the policy says, and says it is a flag', () => {
    const o = outcome([photo('OD', 1, { macula: 0.7 }), photo('OS', 0, { macula: 0.1 })]);
    expect(o.eyes.OD).toMatchObject({
      category: 'maculopathy',
      grade: 1,
      maculopathy: { source: 'model', probability: 0.7 },
    });
    expect(o.eyes.OS).toMatchObject({ category: '0', maculopathy: null });
    expect(o).toMatchObject({ decidingEye: 'OD', rule: { action: 'refer', months: 3 } });
    expect(eyeFinding(o.eyes.OD)).toBe(
      'Mild NPDR; maculopathy flagged by the screening model (probability 70.0%), awaiting clinician review',
    );
  });

  it('follows the clinician: M0 clears the flag, M1 refers whatever the model said', () => {
    expect(
      outcome([photo('OD', 1, { macula: 0.7, review: 1, m: false }), photo('OS', 0, { review: 0 })]),
    ).toMatchObject({
      category: '1',
      rule: { action: 'rescreen', months: 12 },
    });
    const m1 = outcome([photo('OD', 0, { macula: 0.1, review: 0, m: true }), photo('OS', 0, { review: 0 })]);
    expect(m1).toMatchObject({ category: 'maculopathy', rule: { action: 'refer', months: 3 }, final: true });
    expect(eyeFinding(m1.eyes.OD)).toBe('No DR; maculopathy (M1, clinician)');
  });

  it('never lowers a more urgent grade, and follows a site’s own maculopathy rule', () => {
    const severe = outcome([photo('OD', 3, { macula: 0.9 }), photo('OS', 0)]);
    expect(severe).toMatchObject({ category: '3', rule: { action: 'refer_urgent' } });
    expect(severe.eyes.OD.maculopathy).toMatchObject({ source: 'model' });
    const urgent = {
      ...DEFAULT_REFERRAL_POLICY,
      maculopathy: { action: 'refer_urgent' as const, months: null },
    };
    expect(visitOutcome([photo('OD', 2, { macula: 0.9 }), photo('OS', 0)], urgent)).toMatchObject({
      category: 'maculopathy',
      rule: { action: 'refer_urgent' },
    });
  });

  it('reads nothing into a photograph the model did not assess or could not grade', () => {
    expect(outcome([photo('OD', 0), photo('OS', 0)]).eyes.OD.maculopathy).toBeNull();
    expect(outcome([photo('OD', null, { macula: 0.9 }), photo('OS', 0)]).eyes.OD).toMatchObject({
      category: 'ungradable',
      maculopathy: null,
    });
  });
});
