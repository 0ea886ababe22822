import { describe, expect, it } from 'vitest';
import type { HeldOutFigures } from '../../training/local/fine-tune-local.ts';
import { promotionVerdict } from './promotion.ts';

const figures = (over: Partial<HeldOutFigures> = {}): HeldOutFigures => ({
  photographs: 80,
  patients: 40,
  referablePatients: 20,
  referableAuc: 0.85,
  auc95: { low: 0.78, high: 0.91 },
  threshold: 0.07,
  sensitivity: 0.9,
  specificity: 0.4,
  ...over,
});

describe('the promotion gate', () => {
  it('promotes a candidate that is not worse', () => {
    expect(promotionVerdict(figures(), figures({ referableAuc: 0.86 }))).toMatchObject({
      allowed: true,
      reasons: [],
    });
    expect(promotionVerdict(figures(), figures())).toMatchObject({ allowed: true });
  });

  it('refuses a worse candidate, saying where it is worse', () => {
    const verdict = promotionVerdict(figures(), figures({ referableAuc: 0.8, sensitivity: 0.85 }));
    expect(verdict.allowed).toBe(false);
    expect(verdict.reasons).toEqual([
      'Its referable-DR AUC is lower: 0.800 against 0.850.',
      'Its sensitivity at the operating point (7.0%) is lower: 85.0% against 90.0%.',
    ]);
    expect(verdict.rule).toMatch(/not lower/);
  });

  it('refuses when too few held-out patients have referable DR to tell', () => {
    const verdict = promotionVerdict(
      figures({ referablePatients: 4 }),
      figures({ referablePatients: 4, referableAuc: 0.99 }),
    );
    expect(verdict).toMatchObject({
      allowed: false,
      reasons: [expect.stringMatching(/Only 4 held-out patients have referable DR/)],
    });
  });

  it('refuses a candidate that unlearned the reference set shipped with the model, and allows noise within it', () => {
    const reference = (candidateAuc: number) => ({
      base: figures({ referableAuc: 0.8, auc95: { low: 0.74, high: 0.86 } }),
      candidate: figures({ referableAuc: candidateAuc }),
    });
    expect(promotionVerdict(figures(), figures({ referableAuc: 0.9 }), reference(0.76))).toMatchObject({
      allowed: true,
    });
    expect(promotionVerdict(figures(), figures({ referableAuc: 0.9 }), reference(0.7))).toMatchObject({
      allowed: false,
      reasons: [
        "On the reference set shipped with the model its referable-DR AUC falls to 0.700, below the active model's interval there (0.740–0.860).",
      ],
    });
  });
});
