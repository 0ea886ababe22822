import { describe, expect, it } from 'vitest';
import { evaluatePredictions, type Prediction } from './evaluation.ts';

// Probabilities put referable mass p2+p3+p4 = the `ref` value; the argmax grade is `grade`.
function prediction(
  level: number,
  ref: number | null,
  grade = ref !== null && ref >= 0.5 ? 2 : 0,
): Prediction {
  if (ref === null) return { name: `u${level}`, level, gradable: false, probabilities: null };
  const p = [0, 0, 0, 0, 0];
  const top = grade >= 2 ? ref : 1 - ref;
  p[grade] = top;
  // spread the rest so the argmax stays `grade` and the referable sum stays `ref`
  const rest = grade >= 2 ? 1 - ref : ref;
  p[grade >= 2 ? 0 : 2] = rest;
  return { name: `i${level}-${ref}`, level, gradable: true, probabilities: p };
}

describe('evaluatePredictions', () => {
  const fixture: Prediction[] = [
    prediction(2, 0.9),
    prediction(3, 0.8),
    prediction(4, 0.4),
    prediction(2, 0.3),
    prediction(0, 0.7),
    prediction(0, 0.3),
    prediction(1, 0.2),
    prediction(0, 0.1),
    prediction(4, null), // ungradable: counted, never graded
    prediction(0, null),
  ];

  it('counts ungradable images and leaves them out of every figure', () => {
    const e = evaluatePredictions(fixture, 0.35);
    expect(e.images).toBe(10);
    expect(e.gradable).toBe(8);
    expect(e.ungradableRate).toBeCloseTo(0.2, 10);
    expect(e.referable.positives).toBe(4);
  });

  it('gives the hand-computed referable figures', () => {
    const e = evaluatePredictions(fixture, 0.35);
    // same scores as the metrics fixture: AUC (13 + 0.5)/16
    expect(e.referable.auc).toBeCloseTo(0.84375, 10);
    // at 0.35: TP 3 (0.9, 0.8, 0.4), FN 1 (0.3), FP 1 (0.7), TN 3
    expect(e.referable).toMatchObject({
      sensitivity: 0.75,
      specificity: 0.75,
      precision: 0.75,
      accuracy: 0.75,
    });
    expect(e.referable.auc95.low).toBeLessThanOrEqual(e.referable.auc);
  });

  it('scores the predicted grades: confusion matrix and any-DR figures', () => {
    const e = evaluatePredictions(fixture, 0.35);
    // predicted grade 2 where ref ≥ 0.5 (0.9, 0.8, 0.7), else 0
    expect(e.confusion[2]).toEqual([1, 0, 1, 0, 0]);
    expect(e.confusion[0]).toEqual([2, 0, 1, 0, 0]);
    // any DR: truth ≥1 for levels 2,3,4,2,1 (5); predicted ≥1 for 3 images, 2 of them right
    expect(e.anyDr.precision).toBeCloseTo(2 / 3, 10);
    expect(e.anyDr.recall).toBeCloseTo(2 / 5, 10);
    expect(e.anyDr.accuracy).toBeCloseTo(4 / 8, 10);
  });
});
