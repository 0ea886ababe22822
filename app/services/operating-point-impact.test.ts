import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeModelDir } from '../../model/inference/model-paths.ts';
import { operatingPointImpact } from './operating-point-impact.ts';

describe('what an operating point would mean', () => {
  it('gives, on each evaluation set of the model, the figures its evaluation recorded at the same point', () => {
    const evaluation = JSON.parse(
      readFileSync(path.join(activeModelDir(), 'evaluation', 'eyepacs-1024-dev-evaluation.json'), 'utf8'),
    ) as { referable: { threshold: number; sensitivity: number; specificity: number } };
    const t = evaluation.referable.threshold;
    const impact = operatingPointImpact(activeModelDir(), 'the model', t, null);
    const dev = impact.sets.find((s) => s.name === 'eyepacs-1024-dev')!;
    expect(dev.sensitivity).toBeCloseTo(evaluation.referable.sensitivity, 10);
    expect(dev.specificity).toBeCloseTo(evaluation.referable.specificity, 10);
    expect(dev.currentSensitivity).toBeNull();
    expect(impact.sets.map((s) => s.name)).toEqual(
      expect.arrayContaining(['eyepacs-1024-dev', 'srahim-dev']),
    );
  });

  it('refers more as the point goes down, and compares with the point in force', () => {
    const low = operatingPointImpact(activeModelDir(), 'm', 0.02, 0.2).sets[0]!;
    const high = operatingPointImpact(activeModelDir(), 'm', 0.2, 0.02).sets[0]!;
    expect(low.sensitivity).toBeGreaterThan(high.sensitivity);
    expect(low.specificity).toBeLessThan(high.specificity);
    expect(low.currentSensitivity).toBe(high.sensitivity);
  });

  it('says nothing for a model with no evaluation files', () => {
    expect(operatingPointImpact(null, 'none', 0.1, null).sets).toEqual([]);
  });
});
