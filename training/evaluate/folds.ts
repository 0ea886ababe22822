// Figures by patient folds (issue #25): the camera-look EyePACS photographs may choose a model's operating point
// only by folds — each fold's photographs are judged at the point chosen on the other folds, so every reported
// sensitivity and specificity comes from a point that never saw those patients.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { referableProbability } from '../../domain/grades.ts';
import { patientOf } from '../data/dataset.ts';
import type { Prediction } from './evaluation.ts';
import {
  binaryCounts,
  binaryMetrics,
  rocAuc,
  thresholdForSensitivity,
  type BinaryCounts,
} from './metrics.ts';

const patientFoldsSchema = z.object({
  k: z.number().int().min(2),
  seed: z.number().int(),
  /** Patient key (as patientOf gives it) → fold index. */
  patients: z.record(z.string(), z.number().int().min(0)),
  about: z.string().optional(),
});
export type PatientFolds = z.infer<typeof patientFoldsSchema>;

export function readPatientFolds(file: string): PatientFolds {
  const parsed = patientFoldsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file} is not a patient-folds file: ${z.prettifyError(parsed.error)}`);
  for (const [patient, fold] of Object.entries(parsed.data.patients))
    if (fold >= parsed.data.k)
      throw new Error(`${file}: patient ${patient} is in fold ${fold} of ${parsed.data.k}.`);
  return parsed.data;
}

export interface FoldRow {
  fold: number;
  images: number;
  referable: number;
  /** NaN when the fold has only one class. */
  auc: number;
  /** Chosen on the other folds. */
  threshold: number;
  sensitivity: number;
  specificity: number;
}

export interface FoldFigures {
  k: number;
  targetSensitivity: number;
  images: number;
  patients: number;
  referable: number;
  /** Photographs graded whose patient is in no fold (left out of every figure here). */
  outsideFolds: number;
  perFold: FoldRow[];
  /** Every fold judged at its own out-of-fold point, counted together. */
  outOfFold: { sensitivity: number; specificity: number };
  /** The point chosen on all the folds together: what a model folder stores (its figures there are in-sample). */
  allFolds: { threshold: number; sensitivity: number; specificity: number };
}

const add = (a: BinaryCounts, b: BinaryCounts): BinaryCounts => ({
  tp: a.tp + b.tp,
  fp: a.fp + b.fp,
  tn: a.tn + b.tn,
  fn: a.fn + b.fn,
});

export function evaluateFolds(
  predictions: readonly Prediction[],
  folds: PatientFolds,
  targetSensitivity = 0.9,
): FoldFigures {
  const graded = predictions.filter(
    (p): p is Prediction & { probabilities: number[] } => p.gradable && p.probabilities !== null,
  );
  const rows = graded
    .map((p) => ({
      fold: folds.patients[patientOf(p.name)],
      patient: patientOf(p.name),
      label: p.level >= 2,
      score: referableProbability(p.probabilities),
    }))
    .filter((r): r is typeof r & { fold: number } => r.fold !== undefined);
  const perFold: FoldRow[] = [];
  let total: BinaryCounts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let fold = 0; fold < folds.k; fold++) {
    const inside = rows.filter((r) => r.fold === fold);
    const others = rows.filter((r) => r.fold !== fold);
    const threshold = thresholdForSensitivity(
      others.map((r) => r.label),
      others.map((r) => r.score),
      targetSensitivity,
    );
    const counts = binaryCounts(
      inside.map((r) => r.label),
      inside.map((r) => r.score),
      threshold,
    );
    total = add(total, counts);
    const labels = inside.map((r) => r.label);
    const m = binaryMetrics(counts);
    perFold.push({
      fold,
      images: inside.length,
      referable: labels.filter(Boolean).length,
      auc:
        labels.some((l) => l) && labels.some((l) => !l)
          ? rocAuc(
              labels,
              inside.map((r) => r.score),
            )
          : NaN,
      threshold,
      sensitivity: m.sensitivity,
      specificity: m.specificity,
    });
  }
  const labels = rows.map((r) => r.label);
  const scores = rows.map((r) => r.score);
  const threshold = thresholdForSensitivity(labels, scores, targetSensitivity);
  const all = binaryMetrics(binaryCounts(labels, scores, threshold));
  const oof = binaryMetrics(total);
  return {
    k: folds.k,
    targetSensitivity,
    images: rows.length,
    patients: new Set(rows.map((r) => r.patient)).size,
    referable: labels.filter(Boolean).length,
    outsideFolds: graded.length - rows.length,
    perFold,
    outOfFold: { sensitivity: oof.sensitivity, specificity: oof.specificity },
    allFolds: { threshold, sensitivity: all.sensitivity, specificity: all.specificity },
  };
}
