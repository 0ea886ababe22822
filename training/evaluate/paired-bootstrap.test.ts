import { describe, expect, it } from 'vitest';
import { rocAuc, seededRandom } from './metrics.ts';
import { pairedBootstrap } from './paired-bootstrap.ts';

// 150 patients, two eyes each; a third have referable DR in both eyes.
const random = seededRandom(7);
const patients = Array.from({ length: 300 }, (_, i) => `P${Math.floor(i / 2)}`);
const labels = patients.map((p) => Number(p.slice(1)) % 3 === 0);
const base = labels.map((l) => (l ? 0.6 : 0.4) + (random() - 0.5) * 0.6);

describe('the paired bootstrap', () => {
  it('gives exactly zero for a candidate that scores as the base does', () => {
    const c = pairedBootstrap(labels, patients, base, [...base], 0.5);
    expect(c.auc).toEqual({ estimate: 0, low: 0, high: 0 });
    expect(c.sensitivity).toEqual({ estimate: 0, low: 0, high: 0 });
  });

  it('estimates the difference of the AUCs and brackets it, narrower than either AUC alone', () => {
    const candidate = base.map((s, i) => s + (labels[i] ? 0.05 : 0) + (random() - 0.5) * 0.05);
    const c = pairedBootstrap(labels, patients, base, candidate, 0.5);
    expect(c.auc.estimate).toBeCloseTo(rocAuc(labels, candidate) - rocAuc(labels, base), 10);
    expect(c.auc.low).toBeGreaterThan(0);
    expect(c.auc.low).toBeLessThan(c.auc.estimate);
    expect(c.auc.high).toBeGreaterThan(c.auc.estimate);
    expect(c.auc.high - c.auc.low).toBeLessThan(0.05);
    expect(c.sensitivity.estimate).toBeGreaterThan(0);
  });

  it('finds a worse candidate worse, in AUC and in sensitivity at the threshold', () => {
    const worse = base.map((s, i) => s - (labels[i] ? 0.15 : 0));
    const c = pairedBootstrap(labels, patients, base, worse, 0.5);
    expect(c.auc.high).toBeLessThan(0);
    expect(c.sensitivity.high).toBeLessThan(0);
  });

  it('resamples patients, not photographs: two eyes that agree are one piece of evidence, not two', () => {
    // Each patient's two photographs score alike (as a patient's eyes tend to): drawn together, they widen the
    // interval by about √2 against treating them as independent.
    const twin = (scores: number[]) => scores.map((_, i) => scores[i - (i % 2)]!);
    const b = twin(base);
    const candidate = twin(base.map((s) => s + (random() - 0.5) * 0.3));
    const width = (ids: string[]) => {
      const c = pairedBootstrap(labels, ids, b, candidate, 0.5);
      return c.auc.high - c.auc.low;
    };
    const ratio = width(patients) / width(patients.map((_, i) => `photo${i}`));
    expect(ratio).toBeGreaterThan(1.2);
    expect(ratio).toBeLessThan(1.7);
  });

  it('is reproducible, and refuses mismatched inputs', () => {
    const candidate = base.map((s) => s * 0.9);
    expect(pairedBootstrap(labels, patients, base, candidate, 0.5)).toEqual(
      pairedBootstrap(labels, patients, base, candidate, 0.5),
    );
    expect(() => pairedBootstrap(labels, patients.slice(1), base, candidate, 0.5)).toThrow(
      /same photographs/,
    );
  });
});
