// Maculopathy figures for `npm run evaluate` on a folder with a maculopathy.csv (issue #23): the head's recipe
// cross-validated on the folder by patient folds (every score from a head that never saw that patient), and the
// shipped head's own figures there — said to be in-sample when the folder is the one it was fitted on.
import { readFileSync } from 'node:fs';
import type { MaculopathyOutcome } from '../../domain/maculopathy.ts';
import { readMaculopathyHead } from '../../model/maculopathy/head.ts';
import { patientOf } from '../data/dataset.ts';
import {
  HEAD_RECIPE,
  HEAD_TARGET_SENSITIVITY,
  headRows,
  type MaculopathySet,
} from '../maculopathy/fit-head.ts';
import { crossValidateHead, parseMaculopathyCsv } from '../maculopathy/head-cv.ts';
import { binaryCounts, binaryMetrics, rocAuc } from './metrics.ts';

export interface MaculopathyFigures {
  /** Cross-validated on this folder (patient folds): the figures `--json` gives as `maculopathy`. */
  auc: number;
  auc95: { low: number; high: number };
  sensitivity: number;
  specificity: number;
  photographs: number;
  patients: number;
  positives: number;
  folds: number;
  /** The shipped head's probabilities as graded (null when the model has none). */
  shipped: {
    assessed: number;
    auc: number;
    sensitivity: number;
    specificity: number;
    /** The head was fitted on this folder: these figures are in-sample, the cross-validated ones are the fair ones. */
    inSample: boolean;
  } | null;
}

export async function maculopathyFigures(
  modelDir: string,
  set: MaculopathySet,
  setName: string,
  graded: readonly { name: string; maculopathy?: MaculopathyOutcome }[],
  folds = 5,
): Promise<MaculopathyFigures> {
  const { rows } = await headRows(modelDir, set);
  const cv = crossValidateHead(rows, {
    folds,
    recipe: HEAD_RECIPE,
    targetSensitivity: HEAD_TARGET_SENSITIVITY,
  });
  const head = await readMaculopathyHead(modelDir);
  const labels = parseMaculopathyCsv(readFileSync(set.maculopathy, 'utf8'));
  const assessed = graded.flatMap((g) => {
    const label = labels.get(g.name);
    const m = g.maculopathy;
    return label !== undefined && m?.status === 'assessed'
      ? [{ patient: patientOf(g.name), label, p: m.probability, flagged: m.flagged }]
      : [];
  });
  let shipped: MaculopathyFigures['shipped'] = null;
  if (head && assessed.length > 0) {
    const at = binaryMetrics(
      binaryCounts(
        assessed.map((a) => a.label),
        assessed.map((a) => (a.flagged ? 1 : 0)),
        0.5,
      ),
    );
    shipped = {
      assessed: assessed.length,
      auc: rocAuc(
        assessed.map((a) => a.label),
        assessed.map((a) => a.p),
      ),
      sensitivity: at.sensitivity,
      specificity: at.specificity,
      inSample: head.crossValidation.set === setName,
    };
  }
  return {
    auc: cv.auc,
    auc95: cv.auc95,
    sensitivity: cv.sensitivity,
    specificity: cv.specificity,
    photographs: cv.photographs,
    patients: cv.patients,
    positives: cv.positives,
    folds: cv.folds,
    shipped,
  };
}
