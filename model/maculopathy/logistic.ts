// A small class-weighted, L2-regularised logistic regression on standardised inputs (plain TypeScript, no Python):
// the maculopathy head is one, fitted on patient folds by the maintainer's route and again in the clinic.

export interface LogisticModel {
  mean: number[];
  sd: number[];
  weights: number[];
  bias: number;
}

export interface FitOptions {
  /** L2 strength on the standardised weights. */
  l2: number;
  steps: number;
  rate: number;
}

export const DEFAULT_FIT: FitOptions = { l2: 1, steps: 300, rate: 0.1 };

/** Fits on rows `x` (n × d) with labels `y`; positives and negatives weigh half each, whatever their counts. */
export function fitLogistic(
  x: readonly (readonly number[] | Float32Array)[],
  y: readonly boolean[],
  options: FitOptions = DEFAULT_FIT,
): LogisticModel {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const positives = y.filter(Boolean).length;
  if (n === 0 || positives === 0 || positives === n) throw new Error('Fitting needs both classes.');
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const row of x) for (let j = 0; j < d; j++) mean[j]! += row[j]! / n;
  for (const row of x) for (let j = 0; j < d; j++) sd[j]! += (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) + 1e-6;
  const z = x.map((row) => Float64Array.from({ length: d }, (_, j) => (row[j]! - mean[j]!) / sd[j]!));
  const cw = y.map((label) => (label ? 0.5 / positives : 0.5 / (n - positives)));
  const w = new Float64Array(d);
  let b = 0;
  const g = new Float64Array(d);
  for (let step = 0; step < options.steps; step++) {
    g.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const zi = z[i]!;
      let s = b;
      for (let j = 0; j < d; j++) s += zi[j]! * w[j]!;
      const e = cw[i]! * (1 / (1 + Math.exp(-s)) - (y[i] ? 1 : 0));
      for (let j = 0; j < d; j++) g[j]! += e * zi[j]!;
      gb += e;
    }
    // The loss is a weighted mean (the class weights sum to 1), so l2 is on the same scale whatever n is.
    for (let j = 0; j < d; j++) w[j]! -= options.rate * (g[j]! + options.l2 * w[j]!);
    b -= options.rate * gb;
  }
  return { mean, sd, weights: Array.from(w), bias: b };
}

/** The model's logit for one row. */
export function logit(model: LogisticModel, row: readonly number[] | Float32Array): number {
  let s = model.bias;
  for (let j = 0; j < model.weights.length; j++)
    s += ((row[j]! - model.mean[j]!) / model.sd[j]!) * model.weights[j]!;
  return s;
}

export const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
