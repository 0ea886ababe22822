import { describe, expect, it } from 'vitest';
import type { ModelVersion, PairedComparison } from '../../contract/index.ts';
import type { HeldOutFigures } from '../../training/local/fine-tune-local.ts';
import { promotionVerdict, referablePatientsNeeded } from './promotion.ts';

type LocalValidation = NonNullable<ModelVersion['localValidation']>;

const figures = (over: Partial<HeldOutFigures> = {}): HeldOutFigures => ({
  photographs: 400,
  patients: 200,
  referablePatients: 90,
  referableAuc: 0.85,
  auc95: { low: 0.8, high: 0.9 },
  threshold: 0.07,
  sensitivity: 0.9,
  specificity: 0.4,
  ...over,
});

const paired = (auc: [number, number, number], sensitivity: [number, number, number] = [0, 0, 0]) =>
  ({
    auc: { estimate: auc[0], low: auc[1], high: auc[2] },
    sensitivity: { estimate: sensitivity[0], low: sensitivity[1], high: sensitivity[2] },
    threshold: 0.07,
    rounds: 2000,
    skipped: 0,
  }) satisfies PairedComparison;

const local = (over: Partial<LocalValidation> = {}): LocalValidation => ({
  base: figures(),
  candidate: figures({ referableAuc: 0.86 }),
  derivedThreshold: 0.1,
  comparison: paired([0.01, -0.005, 0.025]),
  ...over,
});

const withReference = (auc: [number, number, number]): Partial<LocalValidation> => ({
  reference: { base: figures({ photographs: 290 }), candidate: figures({ photographs: 290 }) },
  referenceComparison: { ...paired(auc), source: 'public camera photographs', excludedTrainedOn: 0 },
});

describe('the promotion gate', () => {
  it('promotes a candidate whose worst case is within the margin, in AUC and in sensitivity', () => {
    const verdict = promotionVerdict(local(), 0.02);
    expect(verdict).toMatchObject({ decision: 'promote', allowed: true, reasons: [], delta: 0.02 });
    expect(verdict.line).toBe(
      'gate: promote — not worse than the current model within 0.020 on 90 held-out referable patients',
    );
    expect(verdict.evidence).toContain(
      'Referable-DR AUC: current 0.850, candidate 0.860; difference +0.010 (95% interval −0.005 to +0.025).',
    );
  });

  it('refuses a candidate that could be worse than the margin, saying by how much', () => {
    const verdict = promotionVerdict(
      local({ comparison: paired([0.0, -0.03, 0.03], [-0.01, -0.04, 0]) }),
      0.02,
    );
    expect(verdict.decision).toBe('refuse');
    expect(verdict.reasons).toEqual([
      "Its referable-DR AUC could be up to 0.030 lower than the current model's on these patients (the margin is 0.020).",
      'Its sensitivity at the operating point could be up to 4.0 points lower (the margin is 2.0 points).',
    ]);
    // A stricter or laxer site margin judges the same figures differently.
    expect(promotionVerdict(local({ comparison: paired([0, -0.03, 0.03]) }), 0.05).decision).toBe('promote');
  });

  it('refuses when too few held-out patients have referable DR to show the margin, whatever the figures', () => {
    const few = local({ candidate: figures({ referableAuc: 0.95, referablePatients: 12 }) });
    const verdict = promotionVerdict(few, 0.02);
    expect(verdict.decision).toBe('refuse');
    expect(verdict.reasons[0]).toBe(
      `Too little evidence: 12 held-out patients have referable DR, and ${referablePatientsNeeded(0.02)} are needed before a margin of 0.020 can be shown.`,
    );
  });

  it('refuses a candidate judged before the paired comparison existed', () => {
    const { comparison: _, ...old } = local();
    expect(promotionVerdict(old, 0.02)).toMatchObject({
      decision: 'refuse',
      reasons: [expect.stringMatching(/fine-tune again/)],
    });
  });

  it('sends a candidate that is better here but worse on the reference set to an administrator', () => {
    expect(promotionVerdict(local(withReference([-0.01, -0.015, 0.0])), 0.02).decision).toBe('promote');
    const verdict = promotionVerdict(local(withReference([-0.03, -0.07, 0.01])), 0.02);
    expect(verdict).toMatchObject({ decision: 'override', allowed: false });
    expect(verdict.reasons).toEqual([
      "Better here, worse elsewhere: on the reference set its AUC could be up to 0.070 lower than the current model's (the margin is 0.020). Only an administrator can promote it, saying why.",
    ]);
    // Worse here decides first: no override for a candidate the clinic's own patients refuse.
    expect(
      promotionVerdict(
        local({ ...withReference([-0.03, -0.07, 0.01]), comparison: paired([-0.02, -0.05, 0.01]) }),
        0.02,
      ).decision,
    ).toBe('refuse');
  });

  it('needs more held-out referable patients the smaller the margin', () => {
    expect(referablePatientsNeeded(0.05)).toBeLessThan(referablePatientsNeeded(0.02));
    expect(referablePatientsNeeded(0.02)).toBeLessThan(referablePatientsNeeded(0.01));
    // Halving the margin needs four times the patients (the interval narrows with the square root).
    expect(referablePatientsNeeded(0.01) / referablePatientsNeeded(0.02)).toBeCloseTo(4, 1);
  });
});
