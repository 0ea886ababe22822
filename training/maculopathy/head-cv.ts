// Patient-fold cross-validation of the maculopathy head's recipe (shared by npm run maculopathy:head, which fits the
// head, and npm run evaluate, which reports it on any folder with a maculopathy.csv): every score comes from a head
// that never saw that patient, and its flag from a point chosen on the training folds only.
import { createHash } from 'node:crypto';
import { fitLogistic, logit, sigmoid, type FitOptions } from '../../model/maculopathy/logistic.ts';
import {
  MACULOPATHY_INPUTS,
  maculopathyHeadSchema,
  type MaculopathyHead,
} from '../../model/maculopathy/head.ts';
import {
  binaryCounts,
  binaryMetrics,
  rocAuc,
  seededRandom,
  thresholdForSensitivity,
} from '../evaluate/metrics.ts';

export interface HeadRow {
  patient: string;
  label: boolean;
  inputs: readonly number[];
}

export interface HeadCrossValidation {
  photographs: number;
  patients: number;
  positives: number;
  folds: number;
  auc: number;
  auc95: { low: number; high: number };
  sensitivity: number;
  specificity: number;
  /** Out-of-fold logits, in the order of the rows. */
  scores: number[];
}

/** The fold of a patient: a hash, so a patient's fold never depends on which other photographs are present. */
export function maculopathyFold(patient: string, k: number): number {
  return createHash('sha256').update(`maculopathy-fold:${patient}`).digest().readUInt32BE(0) % k;
}

/** 95% interval of the AUC over 2,000 resamplings of patients (both eyes together). */
export function patientBootstrapAuc(
  rows: readonly { patient: string; label: boolean }[],
  scores: readonly number[],
  seed = 23,
): { low: number; high: number } {
  const random = seededRandom(seed);
  const patients = [...new Set(rows.map((r) => r.patient))];
  const byPatient = new Map<string, number[]>();
  rows.forEach((r, i) => byPatient.set(r.patient, [...(byPatient.get(r.patient) ?? []), i]));
  const aucs: number[] = [];
  for (let round = 0; round < 2000; round++) {
    const pick = patients.flatMap(() => byPatient.get(patients[Math.floor(random() * patients.length)]!)!);
    const a = rocAuc(
      pick.map((i) => rows[i]!.label),
      pick.map((i) => scores[i]!),
    );
    if (!Number.isNaN(a)) aucs.push(a);
  }
  aucs.sort((a, b) => a - b);
  return {
    low: aucs[Math.floor(0.025 * aucs.length)] ?? NaN,
    high: aucs[Math.floor(0.975 * aucs.length)] ?? NaN,
  };
}

export function crossValidateHead(
  rows: readonly HeadRow[],
  options: { folds: number; recipe: FitOptions; targetSensitivity: number },
): HeadCrossValidation {
  const k = options.folds;
  const fold = rows.map((r) => maculopathyFold(r.patient, k));
  const scores = new Array<number>(rows.length).fill(0);
  const flagged = new Array<number>(rows.length).fill(0);
  for (let f = 0; f < k; f++) {
    const train = rows.flatMap((_, i) => (fold[i] !== f ? [i] : []));
    const head = fitLogistic(
      train.map((i) => rows[i]!.inputs),
      train.map((i) => rows[i]!.label),
      options.recipe,
    );
    const point = thresholdForSensitivity(
      train.map((i) => rows[i]!.label),
      train.map((i) => logit(head, rows[i]!.inputs)),
      options.targetSensitivity,
    );
    rows.forEach((row, i) => {
      if (fold[i] !== f) return;
      scores[i] = logit(head, row.inputs);
      flagged[i] = scores[i]! >= point ? 1 : 0;
    });
  }
  const labels = rows.map((r) => r.label);
  const at = binaryMetrics(binaryCounts(labels, flagged, 0.5));
  return {
    photographs: rows.length,
    patients: new Set(rows.map((r) => r.patient)).size,
    positives: labels.filter(Boolean).length,
    folds: k,
    auc: rocAuc(labels, scores),
    auc95: patientBootstrapAuc(rows, scores),
    sensitivity: at.sensitivity,
    specificity: at.specificity,
    scores,
  };
}

/** A folder's maculopathy.csv (`image,maculopathy` with 0/1) as name → label. */
export function parseMaculopathyCsv(text: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const line of text.trim().split(/\r?\n/).slice(1)) {
    const [name, value] = line.split(',');
    if (!name || value === undefined) continue;
    const v = value.trim();
    if (v !== '0' && v !== '1') throw new Error(`maculopathy.csv: "${line}" is not image,0|1.`);
    out.set(name.trim(), v === '1');
  }
  return out;
}

/**
 * A head fitted on every row of `rows`, with the figures of its recipe's cross-validation on them and its point
 * from the out-of-fold scores (fitted-on-all scores would be optimistic and set it too high).
 */
export function headFromRows(
  rows: readonly HeadRow[],
  options: {
    fittedOn: { name: string; version: string };
    set: string;
    folds: number;
    recipe: FitOptions;
    targetSensitivity: number;
    recipesCompared: number;
  },
): { head: MaculopathyHead; cv: HeadCrossValidation } {
  const cv = crossValidateHead(rows, options);
  const labels = rows.map((r) => r.label);
  const head = maculopathyHeadSchema.parse({
    format: 'eyenet-maculopathy-head-1',
    inputs: [...MACULOPATHY_INPUTS],
    fittedOn: options.fittedOn,
    model: fitLogistic(
      rows.map((r) => r.inputs),
      labels,
      options.recipe,
    ),
    threshold: sigmoid(thresholdForSensitivity(labels, cv.scores, options.targetSensitivity)),
    targetSensitivity: options.targetSensitivity,
    crossValidation: {
      set: options.set,
      photographs: cv.photographs,
      patients: cv.patients,
      positives: cv.positives,
      folds: cv.folds,
      auc: cv.auc,
      auc95: cv.auc95,
      sensitivity: cv.sensitivity,
      specificity: cv.specificity,
      recipesCompared: options.recipesCompared,
    },
    recipe: options.recipe,
  });
  return { head, cv };
}
