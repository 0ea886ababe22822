import { describe, expect, it } from 'vitest';
import {
  binaryCounts,
  binaryMetrics,
  bootstrapAuc,
  confusionMatrix,
  quadraticWeightedKappa,
  rocAuc,
  rocCurve,
  thresholdForSensitivity,
} from './metrics.ts';

// Hand-worked fixture: 4 referable (true) and 4 not, scores chosen so that of the 16 positive/negative
// pairs, 13 are ordered right, 2 wrong and 1 tied: AUC = (13 + 0.5) / 16 = 0.84375.
const labels = [true, true, true, true, false, false, false, false];
const scores = [0.9, 0.8, 0.4, 0.3, 0.7, 0.3, 0.2, 0.1];

describe('metrics on a hand-computed fixture', () => {
  it('AUC counts ordered pairs, ties as half', () => {
    expect(rocAuc(labels, scores)).toBeCloseTo(13.5 / 16, 10);
    expect(rocAuc([true, false], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([true, true], [0.1, 0.2])).toBeNaN();
  });

  it('ROC curve runs from (0,0) to (1,1) through each threshold', () => {
    const curve = rocCurve(labels, scores);
    expect(curve[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(curve.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(curve.find((p) => p.threshold === 0.7)).toMatchObject({ fpr: 0.25, tpr: 0.5 });
  });

  it('sensitivity, specificity, precision, recall and accuracy at a threshold', () => {
    const counts = binaryCounts(labels, scores, 0.35);
    expect(counts).toEqual({ tp: 3, fn: 1, fp: 1, tn: 3 });
    expect(binaryMetrics(counts)).toEqual({
      sensitivity: 0.75,
      specificity: 0.75,
      precision: 0.75,
      recall: 0.75,
      accuracy: 0.75,
    });
  });

  it('picks the highest threshold that reaches the target sensitivity', () => {
    expect(thresholdForSensitivity(labels, scores, 0.75)).toBe(0.4);
    expect(thresholdForSensitivity(labels, scores, 0.9)).toBe(0.3);
    expect(binaryMetrics(binaryCounts(labels, scores, 0.3)).sensitivity).toBe(1);
  });

  it('quadratic weighted kappa: 1 when perfect, 0 for chance, hand value otherwise', () => {
    expect(quadraticWeightedKappa([0, 1, 2, 3, 4], [0, 1, 2, 3, 4])).toBeCloseTo(1, 10);
    // truth [0,0,1,1], predicted [0,1,0,1] over 2 classes: observed disagreements 2 with weight 1;
    // expected = sum w·row·col/n = (2·2 + 2·2)/4 = 2  →  kappa = 1 − 2/2 = 0
    expect(quadraticWeightedKappa([0, 0, 1, 1], [0, 1, 0, 1], 2)).toBeCloseTo(0, 10);
    // truth [0,1,2], predicted [0,2,2] over 3 classes, weights (i−j)²/4: observed num = w(1,2)·1 = 0.25.
    // Row totals 1,1,1; column totals 1,0,2; expected den = Σ_j c_j/3 · Σ_i w(i,j)
    //   = (1·1.25 + 0·0.5 + 2·1.25) / 3 = 1.25  →  kappa = 1 − 0.25 / 1.25 = 0.8
    expect(quadraticWeightedKappa([0, 1, 2], [0, 2, 2], 3)).toBeCloseTo(0.8, 10);
  });

  it('confusion matrix: rows true grade, columns predicted', () => {
    expect(confusionMatrix([0, 0, 2, 4], [0, 1, 2, 2])).toEqual([
      [1, 1, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 1, 0, 0],
    ]);
  });

  it('bootstrap interval is reproducible for a seed and contains the AUC', () => {
    const a = bootstrapAuc(labels, scores, { rounds: 500, seed: 7 });
    expect(bootstrapAuc(labels, scores, { rounds: 500, seed: 7 })).toEqual(a);
    expect(a.low).toBeLessThanOrEqual(0.84375);
    expect(a.high).toBeGreaterThanOrEqual(0.84375);
  });
});
