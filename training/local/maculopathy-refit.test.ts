import { describe, expect, it } from 'vitest';
import type { MaculopathyHead } from '../../model/maculopathy/head.ts';
import { seededRandom } from '../evaluate/metrics.ts';
import { refitMaculopathyHead, type MaculopathyRow } from './maculopathy-refit.ts';

// Synthetic readings: M1 eyes have more bright lesions near the fovea and a higher referable probability.
function rows(n: number, heldOut: boolean, seed: number): MaculopathyRow[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const label = i % 3 === 0;
    const near = label ? 0.02 + 0.05 * random() : 0.004 * random();
    const p = Math.min(0.95, (label ? 0.5 : 0.1) + 0.3 * random());
    return {
      patient: `${heldOut ? 'H' : 'T'}${Math.floor(i / 2)}`,
      heldOut,
      label,
      bright: { strongNear: near, strongRing: near / 2, mildNear: near * 1.5, mildRing: near },
      baseProbability: p,
      // The fine-tune moved the logit: the base head would be fed inputs it was not fitted on.
      candidateProbability: Math.min(0.99, p * 1.4),
    };
  });
}

const base: MaculopathyHead = {
  format: 'eyenet-maculopathy-head-1',
  inputs: ['referableLogit', 'strongNear', 'strongRing', 'mildNear', 'mildRing'],
  fittedOn: { name: 'eyenet-mnv2-dr', version: '2.1.0' },
  model: { mean: [0, -5, -5, -5, -5], sd: [1, 1, 1, 1, 1], weights: [0.5, 0.5, 0.2, 0.2, 0.1], bias: -1 },
  threshold: 0.4,
  targetSensitivity: 0.8,
  crossValidation: {
    set: 'srahim-dev',
    photographs: 296,
    patients: 148,
    positives: 67,
    folds: 5,
    auc: 0.78,
    auc95: { low: 0.7, high: 0.84 },
    sensitivity: 0.8,
    specificity: 0.65,
    recipesCompared: 25,
  },
  recipe: { l2: 0.1, steps: 300, rate: 0.1 },
};
const candidate = { name: 'eyenet-mnv2-dr', version: '2.1.0-local.1' };

describe("a candidate's maculopathy head", () => {
  it('is refitted on the training patients’ M0/M1 readings, for the candidate only, and judged on the held-out ones', () => {
    const result = refitMaculopathyHead([...rows(80, false, 1), ...rows(40, true, 2)], base, candidate);
    expect(result).toMatchObject({ refitted: true, why: null, training: { photographs: 80 } });
    expect(result.head).toMatchObject({
      fittedOn: candidate,
      targetSensitivity: 0.8,
      crossValidation: {
        set: "this clinic's confirmed photographs (training patients)",
        photographs: 80,
        folds: 5,
      },
    });
    expect(result.head!.threshold).toBeGreaterThan(0);
    expect(result.head!.threshold).toBeLessThan(1);
    expect(result.heldOut.candidate!.photographs).toBe(40);
    expect(result.heldOut.candidate!.auc).toBeGreaterThan(0.9);
    expect(result.heldOut.base!.photographs).toBe(40);
  });

  it('is not made from too few readings, nor without a base head: the candidate then says why it has none', () => {
    const few = refitMaculopathyHead([...rows(30, false, 3), ...rows(10, true, 4)], base, candidate);
    expect(few).toMatchObject({ refitted: false, head: null, heldOut: { candidate: null } });
    expect(few.why).toBe(
      "a refit needs 40 photographs of training patients with a clinician's M0/M1, at least 10 of each; there are 30 (10 M1).",
    );
    expect(refitMaculopathyHead(rows(80, false, 5), null, candidate)).toMatchObject({
      refitted: false,
      why: 'the model it started from has no maculopathy head.',
    });
  });
});
