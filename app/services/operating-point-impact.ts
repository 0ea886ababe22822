import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { OperatingPointImpact } from '../../contract/index.ts';
import { isReferableGrade, referableProbability } from '../../domain/grades.ts';

interface EvaluationFile {
  set?: { name?: string };
  predictions?: { level: number; gradable: boolean; probabilities: number[] | null }[];
}

/** The labelled sets a model folder's `evaluation/*-evaluation.json` files graded photograph by photograph. */
function evaluationSets(modelDir: string): { name: string; labels: boolean[]; scores: number[] }[] {
  const dir = path.join(modelDir, 'evaluation');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('-evaluation.json'));
  } catch {
    return [];
  }
  const sets = [];
  for (const file of files.sort()) {
    try {
      const e = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as EvaluationFile;
      const graded = (e.predictions ?? []).filter((p) => p.gradable && p.probabilities);
      if (!graded.length) continue;
      sets.push({
        name: e.set?.name ?? file.replace(/-evaluation\.json$/, ''),
        labels: graded.map((p) => isReferableGrade(p.level)),
        scores: graded.map((p) => referableProbability(p.probabilities!)),
      });
    } catch {
      // A damaged or foreign file says nothing about the point: left out.
    }
  }
  return sets;
}

function rates(labels: boolean[], scores: number[], threshold: number) {
  let tp = 0;
  let tn = 0;
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]) {
      positives++;
      if (scores[i]! >= threshold) tp++;
    } else if (scores[i]! < threshold) tn++;
  }
  const negatives = labels.length - positives;
  return {
    sensitivity: positives ? tp / positives : Number.NaN,
    specificity: negatives ? tn / negatives : Number.NaN,
  };
}

/**
 * What an operating point would mean before a site saves it: sensitivity and specificity on each set the grading
 * model was evaluated on (photographs it never trained on, as its evaluation files recorded them), beside the
 * figures at the point in force now.
 */
export function operatingPointImpact(
  modelDir: string | null,
  model: string,
  threshold: number,
  current: number | null,
): OperatingPointImpact {
  const sets = modelDir ? evaluationSets(modelDir) : [];
  return {
    threshold,
    current,
    model,
    sets: sets.map((s) => {
      const at = rates(s.labels, s.scores, threshold);
      const now = current === null ? null : rates(s.labels, s.scores, current);
      return {
        name: s.name,
        gradable: s.labels.length,
        referable: s.labels.filter(Boolean).length,
        ...at,
        currentSensitivity: now?.sensitivity ?? null,
        currentSpecificity: now?.specificity ?? null,
      };
    }),
  };
}
