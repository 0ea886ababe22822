import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Prediction } from './evaluation.ts';
import { evaluateFolds, readPatientFolds, type PatientFolds } from './folds.ts';
import { seededRandom, thresholdForSensitivity } from './metrics.ts';

/** Probabilities whose referable share (grades 2–4) is `p`. */
const probs = (p: number) => [1 - p, 0, p, 0, 0];

function dataset(seed: number): { predictions: Prediction[]; folds: PatientFolds } {
  const random = seededRandom(seed);
  const predictions: Prediction[] = [];
  const patients: Record<string, number> = {};
  for (let patient = 0; patient < 60; patient++) {
    patients[String(patient)] = patient % 3;
    const referable = patient % 4 === 0;
    for (const eye of ['left', 'right']) {
      const score = Math.min(0.99, Math.max(0.01, (referable ? 0.6 : 0.35) + (random() - 0.5) * 0.6));
      predictions.push({
        name: `${patient}_${eye}`,
        level: referable ? 3 : 0,
        gradable: true,
        probabilities: probs(score),
      });
    }
  }
  return { predictions, folds: { k: 3, seed, patients } };
}

describe('figures by patient folds', () => {
  it('judges each fold at the point chosen on the other folds only', () => {
    const { predictions, folds } = dataset(7);
    const figures = evaluateFolds(predictions, folds, 0.9);
    expect(figures.perFold).toHaveLength(3);
    for (const row of figures.perFold) {
      const others = predictions.filter((p) => folds.patients[p.name.split('_')[0]!] !== row.fold);
      expect(row.threshold).toBe(
        thresholdForSensitivity(
          others.map((p) => p.level >= 2),
          others.map((p) => p.probabilities![2]!),
          0.9,
        ),
      );
    }
    // Changing fold 0's own scores moves the points of the other folds, never its own.
    const moved = predictions.map((p) =>
      folds.patients[p.name.split('_')[0]!] === 0
        ? { ...p, probabilities: probs(p.level >= 2 ? 0.02 : 0.98) }
        : p,
    );
    const after = evaluateFolds(moved, folds, 0.9);
    expect(after.perFold[0]!.threshold).toBe(figures.perFold[0]!.threshold);
    expect(after.perFold[1]!.threshold).not.toBe(figures.perFold[1]!.threshold);
  });

  it('counts the folds together out of fold, and leaves out ungradable photographs and patients in no fold', () => {
    const { predictions, folds } = dataset(11);
    const extra: Prediction[] = [
      { name: '999_left', level: 4, gradable: true, probabilities: probs(0.9) },
      { name: '0_left_again', level: 0, gradable: false, probabilities: null },
    ];
    const figures = evaluateFolds([...predictions, ...extra], folds, 0.9);
    expect(figures.images).toBe(120);
    expect(figures.patients).toBe(60);
    expect(figures.referable).toBe(30);
    expect(figures.outsideFolds).toBe(1);
    const positives = figures.perFold.reduce((s, r) => s + r.referable, 0);
    const found = figures.perFold.reduce((s, r) => s + Math.round(r.sensitivity * r.referable), 0);
    expect(figures.outOfFold.sensitivity).toBeCloseTo(found / positives, 10);
    expect(figures.allFolds.sensitivity).toBeGreaterThanOrEqual(0.9);
  });

  it('refuses a folds file that is not one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-folds-'));
    try {
      const file = path.join(dir, 'folds.json');
      writeFileSync(file, JSON.stringify({ k: 2, seed: 1, patients: { 10: 2 } }));
      expect(() => readPatientFolds(file)).toThrow(/patient 10 is in fold 2 of 2/);
      writeFileSync(file, JSON.stringify({ k: 1, seed: 1, patients: {} }));
      expect(() => readPatientFolds(file)).toThrow(/not a patient-folds file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
