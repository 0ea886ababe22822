// Screening metrics, written out plainly so a reader can check them by hand. Pure functions, no I/O.

/** Area under the ROC curve (Mann–Whitney U with ties counted half). NaN without both classes. */
export function rocAuc(labels: readonly boolean[], scores: readonly number[]): number {
  const pairs = labels.map((l, i) => ({ l, s: scores[i]! })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let negatives = 0;
  let rankSum = 0;
  for (let i = 0; i < pairs.length;) {
    let j = i;
    while (j < pairs.length && pairs[j]!.s === pairs[i]!.s) j++;
    const averageRank = (i + 1 + j) / 2; // ranks are 1-based; a tie shares the mean rank
    for (let k = i; k < j; k++) if (pairs[k]!.l) rankSum += averageRank;
    i = j;
  }
  for (const p of pairs) {
    if (p.l) positives++;
    else negatives++;
  }
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** ROC points (false-positive rate, true-positive rate, threshold), from the highest threshold down. */
export function rocCurve(
  labels: readonly boolean[],
  scores: readonly number[],
): { fpr: number; tpr: number; threshold: number }[] {
  const P = labels.filter(Boolean).length;
  const N = labels.length - P;
  const order = scores.map((s, i) => ({ s, l: labels[i]! })).sort((a, b) => b.s - a.s);
  const points = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) {
      if (order[j]!.l) tp++;
      else fp++;
      j++;
    }
    points.push({ fpr: N ? fp / N : 0, tpr: P ? tp / P : 0, threshold: order[i]!.s });
    i = j;
  }
  return points;
}

/** Mulberry32: a small seeded generator, so bootstrap intervals are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Percentile bootstrap 95% interval of the AUC, resampling images with replacement. */
export function bootstrapAuc(
  labels: readonly boolean[],
  scores: readonly number[],
  { rounds = 2000, seed = 1 } = {},
): { low: number; high: number } {
  const random = seededRandom(seed);
  const n = labels.length;
  const aucs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const l: boolean[] = [];
    const s: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * n);
      l.push(labels[k]!);
      s.push(scores[k]!);
    }
    const auc = rocAuc(l, s);
    if (!Number.isNaN(auc)) aucs.push(auc);
  }
  aucs.sort((a, b) => a - b);
  const at = (q: number) => aucs[Math.min(aucs.length - 1, Math.floor(q * aucs.length))] ?? Number.NaN;
  return { low: at(0.025), high: at(0.975) };
}

export interface BinaryCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function binaryCounts(
  labels: readonly boolean[],
  scores: readonly number[],
  threshold: number,
): BinaryCounts {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  labels.forEach((l, i) => {
    const positive = scores[i]! >= threshold;
    if (l && positive) c.tp++;
    else if (l) c.fn++;
    else if (positive) c.fp++;
    else c.tn++;
  });
  return c;
}

const ratio = (a: number, b: number) => (b === 0 ? Number.NaN : a / b);

export function binaryMetrics(c: BinaryCounts) {
  return {
    sensitivity: ratio(c.tp, c.tp + c.fn),
    specificity: ratio(c.tn, c.tn + c.fp),
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    accuracy: ratio(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn),
  };
}

/**
 * The highest threshold whose sensitivity reaches `target` (so specificity is as high as it can be there).
 * Chosen on validation data and stored with the model as its operating point.
 */
export function thresholdForSensitivity(
  labels: readonly boolean[],
  scores: readonly number[],
  target: number,
): number {
  const positives = scores.filter((_, i) => labels[i]).sort((a, b) => b - a);
  if (positives.length === 0) return 0.5;
  const needed = Math.ceil(target * positives.length);
  return positives[Math.max(0, needed - 1)]!;
}

/** Confusion matrix: rows are true grades, columns predicted grades. */
export function confusionMatrix(
  truth: readonly number[],
  predicted: readonly number[],
  classes = 5,
): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((t, i) => m[t]![predicted[i]!]!++);
  return m;
}

/** Cohen's kappa with quadratic weights over ordered grades. */
export function quadraticWeightedKappa(
  truth: readonly number[],
  predicted: readonly number[],
  classes = 5,
): number {
  const observed = confusionMatrix(truth, predicted, classes);
  const n = truth.length;
  if (n === 0) return Number.NaN;
  const rowTotals = observed.map((row) => row.reduce((a, b) => a + b, 0));
  const colTotals = observed[0]!.map((_, j) => observed.reduce((a, row) => a + row[j]!, 0));
  let num = 0;
  let den = 0;
  for (let i = 0; i < classes; i++) {
    for (let j = 0; j < classes; j++) {
      const w = ((i - j) * (i - j)) / ((classes - 1) * (classes - 1));
      num += w * observed[i]![j]!;
      den += (w * rowTotals[i]! * colTotals[j]!) / n;
    }
  }
  return den === 0 ? Number.NaN : 1 - num / den;
}
