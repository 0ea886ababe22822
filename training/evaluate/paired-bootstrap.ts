// Two models compared on the same photographs, by a paired bootstrap over patients: the question a promotion gate
// asks is not "is each model's AUC in some interval" but "how much worse could the candidate be than the base on
// these patients", and the two scores of one photograph move together, so the difference is far tighter than
// either interval. Pure functions, no I/O.

import type { PairedComparison, PairedDifference } from '../../contract/learning.ts';
import { seededRandom } from './metrics.ts';

export type { PairedComparison, PairedDifference };

/**
 * AUC with each photograph counted `weight[i]` times (a patient drawn twice counts twice), ties counted half.
 * `order` lists the photographs by ascending score; NaN when either class weighs nothing.
 */
function weightedAuc(
  order: readonly number[],
  labels: readonly boolean[],
  scores: readonly number[],
  weight: readonly number[],
): number {
  let negativesBelow = 0;
  let positives = 0;
  let wins = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let tiePositives = 0;
    let tieNegatives = 0;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      const k = order[j]!;
      if (labels[k]) tiePositives += weight[k]!;
      else tieNegatives += weight[k]!;
      j++;
    }
    wins += tiePositives * (negativesBelow + tieNegatives / 2);
    negativesBelow += tieNegatives;
    positives += tiePositives;
    i = j;
  }
  return positives > 0 && negativesBelow > 0 ? wins / (positives * negativesBelow) : Number.NaN;
}

function weightedSensitivity(
  labels: readonly boolean[],
  scores: readonly number[],
  weight: readonly number[],
  threshold: number,
): number {
  let caught = 0;
  let all = 0;
  for (let i = 0; i < labels.length; i++)
    if (labels[i]) {
      all += weight[i]!;
      if (scores[i]! >= threshold) caught += weight[i]!;
    }
  return all > 0 ? caught / all : Number.NaN;
}

const percentile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))] ?? Number.NaN;

/**
 * Base and candidate scores of the same photographs, compared by resampling patients with replacement (both eyes
 * of a patient go together, as they are not independent): the difference candidate − base in referable AUC and in
 * sensitivity at `threshold`, each with its 95% percentile interval.
 */
export function pairedBootstrap(
  labels: readonly boolean[],
  patients: readonly string[],
  base: readonly number[],
  candidate: readonly number[],
  threshold: number,
  { rounds = 2000, seed = 2017 } = {},
): PairedComparison {
  const n = labels.length;
  if (patients.length !== n || base.length !== n || candidate.length !== n)
    throw new Error('Labels, patients and both models’ scores must describe the same photographs.');
  const ids = [...new Set(patients)];
  const photosOf = new Map<string, number[]>(ids.map((p) => [p, []]));
  patients.forEach((p, i) => photosOf.get(p)!.push(i));
  const groups = ids.map((p) => photosOf.get(p)!);
  const byScore = (scores: readonly number[]) =>
    Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const [orderBase, orderCandidate] = [byScore(base), byScore(candidate)];
  const ones = new Array<number>(n).fill(1);
  const difference = (weight: readonly number[]) => ({
    auc:
      weightedAuc(orderCandidate, labels, candidate, weight) - weightedAuc(orderBase, labels, base, weight),
    sensitivity:
      weightedSensitivity(labels, candidate, weight, threshold) -
      weightedSensitivity(labels, base, weight, threshold),
  });
  const observed = difference(ones);
  const random = seededRandom(seed);
  const aucs: number[] = [];
  const sensitivities: number[] = [];
  const weight = new Array<number>(n);
  let skipped = 0;
  for (let r = 0; r < rounds; r++) {
    weight.fill(0);
    for (let k = 0; k < groups.length; k++)
      for (const i of groups[Math.floor(random() * groups.length)]!) weight[i] = weight[i]! + 1;
    const d = difference(weight);
    if (Number.isNaN(d.auc) || Number.isNaN(d.sensitivity)) {
      skipped++;
      continue;
    }
    aucs.push(d.auc);
    sensitivities.push(d.sensitivity);
  }
  aucs.sort((a, b) => a - b);
  sensitivities.sort((a, b) => a - b);
  const interval = (estimate: number, sorted: number[]): PairedDifference => ({
    estimate,
    low: percentile(sorted, 0.025),
    high: percentile(sorted, 0.975),
  });
  return {
    auc: interval(observed.auc, aucs),
    sensitivity: interval(observed.sensitivity, sensitivities),
    threshold,
    rounds,
    skipped,
  };
}
