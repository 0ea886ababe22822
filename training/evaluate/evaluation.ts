import type { MaculopathyOutcome } from '../../domain/maculopathy.ts';
import { argmax, referableProbability } from '../../domain/grades.ts';
import {
  binaryCounts,
  binaryMetrics,
  bootstrapAuc,
  confusionMatrix,
  quadraticWeightedKappa,
  rocAuc,
  rocCurve,
} from './metrics.ts';

export interface Prediction {
  name: string;
  level: number;
  gradable: boolean;
  /** Null when ungradable: such images are counted, never graded. */
  probabilities: number[] | null;
  /** What the model's maculopathy head said (absent: not recorded). */
  maculopathy?: MaculopathyOutcome;
}

export interface Evaluation {
  images: number;
  gradable: number;
  ungradableRate: number;
  referable: {
    positives: number;
    auc: number;
    auc95: { low: number; high: number };
    threshold: number;
    sensitivity: number;
    specificity: number;
    precision: number;
    accuracy: number;
  };
  /** The 2017 EyeNet's task: any DR (grade ≥ 1) from the predicted grade. */
  anyDr: { accuracy: number; precision: number; recall: number };
  kappa: number;
  confusion: number[][];
  roc: { fpr: number; tpr: number; threshold: number }[];
}

/** Screening figures for predictions on a labelled set (ungradable images counted, not graded). */
export function evaluatePredictions(
  predictions: readonly Prediction[],
  threshold: number,
  seed = 1,
): Evaluation {
  const graded = predictions.filter(
    (p): p is Prediction & { probabilities: number[] } => p.gradable && p.probabilities !== null,
  );
  const labels = graded.map((p) => p.level >= 2);
  const scores = graded.map((p) => referableProbability(p.probabilities));
  const grades = graded.map((p) => argmax(p.probabilities));
  const levels = graded.map((p) => p.level);
  const atThreshold = binaryMetrics(binaryCounts(labels, scores, threshold));
  const anyDr = binaryMetrics(
    binaryCounts(
      levels.map((l) => l >= 1),
      grades.map((g) => (g >= 1 ? 1 : 0)),
      1,
    ),
  );
  return {
    images: predictions.length,
    gradable: graded.length,
    ungradableRate: predictions.length ? (predictions.length - graded.length) / predictions.length : 0,
    referable: {
      positives: labels.filter(Boolean).length,
      auc: rocAuc(labels, scores),
      auc95: bootstrapAuc(labels, scores, { rounds: 2000, seed }),
      threshold,
      sensitivity: atThreshold.sensitivity,
      specificity: atThreshold.specificity,
      precision: atThreshold.precision,
      accuracy: atThreshold.accuracy,
    },
    anyDr: { accuracy: anyDr.accuracy, precision: anyDr.precision, recall: anyDr.recall },
    kappa: quadraticWeightedKappa(levels, grades),
    confusion: confusionMatrix(levels, grades),
    roc: rocCurve(labels, scores),
  };
}
