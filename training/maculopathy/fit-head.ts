// Maintainer's tool (issue #23): `npm run maculopathy:head -- [--model DIR] [--data DIR] [--folds 5]`
// Fits the maculopathy head for a model folder on a folder with a maculopathy.csv (srahim-dev by default; it never
// trains the DR grade, so it stays a fair check for it): first the recipe's patient-fold cross-validation (the
// figures the head carries, and the out-of-fold scores its operating point is chosen on), then the head on every
// patient. Writes DIR/maculopathy-head.json. The recipe was chosen among the rows of training/maculopathy/routes/.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { referableProbability } from '../../domain/grades.ts';
import { brightLesions } from '../../model/anatomy/bright-lesions.ts';
import { locateLandmarks } from '../../model/anatomy/locate.ts';
import { loadDrModel } from '../../model/inference/engine.ts';
import { activeModelDir, projectRoot, sharedDataDir } from '../../model/inference/model-paths.ts';
import { maculopathyInputs } from '../../model/maculopathy/assess.ts';
import { MACULOPATHY_HEAD_FILE } from '../../model/maculopathy/head.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import { assessQuality } from '../../model/quality/quality.ts';
import { readKaggleLabels } from '../data/dataset.ts';
import { readRouteRecords, tableRows } from '../evaluate/route-records.ts';
import { progressBar } from '../progress.ts';
import { headFromRows, parseMaculopathyCsv, type HeadRow } from './head-cv.ts';

/** Fixed before fitting: the best row of routes/2026-12-07-network-features.md (logit + bright lesions, L2 0.1). */
export const HEAD_RECIPE = { l2: 0.1, steps: 300, rate: 0.1 };
export const HEAD_TARGET_SENSITIVITY = 0.8;

/** A labelled folder's files: its photographs, its grades (trainLabels.csv) and its maculopathy.csv. */
export interface MaculopathySet {
  images: string;
  labels: string;
  maculopathy: string;
}

export const setInFolder = (dir: string): MaculopathySet => ({
  images: path.join(dir, 'images'),
  labels: path.join(dir, 'trainLabels.csv'),
  maculopathy: path.join(dir, 'maculopathy.csv'),
});

/** The head's inputs for every gradable photograph of a labelled folder whose fovea is found. */
export async function headRows(
  modelDir: string,
  set: MaculopathySet,
): Promise<{
  rows: HeadRow[];
  skipped: { ungradable: number; noFovea: number };
  model: { name: string; version: string };
}> {
  const labels = parseMaculopathyCsv(readFileSync(set.maculopathy, 'utf8'));
  const { images } = readKaggleLabels(set.labels, set.images);
  const { model } = await loadDrModel(modelDir);
  const rows: HeadRow[] = [];
  const skipped = { ungradable: 0, noFovea: 0 };
  const bar = progressBar('maculopathy inputs');
  try {
    for (const [i, image] of images.entries()) {
      bar(i + 1, images.length);
      const label = labels.get(image.name);
      if (label === undefined) continue;
      const pre = await preprocess(new Uint8Array(readFileSync(image.file)), model.metadata.inputSize);
      if (!assessQuality(pre).gradable) {
        skipped.ungradable++;
        continue;
      }
      const landmarks = locateLandmarks(pre.canonical.rgb, pre.canonical.mask, pre.canonical.size);
      if (!landmarks) {
        skipped.noFovea++;
        continue;
      }
      const p = referableProbability((await model.predict(pre.pixels)).probabilities);
      const inputs = maculopathyInputs(p, brightLesions(pre.canonical, landmarks).features);
      rows.push({ patient: image.patient, label, inputs });
    }
  } finally {
    model.dispose();
  }
  return { rows, skipped, model: { name: model.metadata.name, version: model.metadata.version } };
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      data: { type: 'string', default: path.join(sharedDataDir(), 'srahim-dev') },
      folds: { type: 'string', default: '5' },
    },
  });
  const modelDir = path.resolve(values.model ?? activeModelDir());
  const dir = path.resolve(values.data!);
  const { rows, skipped, model } = await headRows(modelDir, setInFolder(dir));
  const records = await readRouteRecords(path.join(projectRoot(), 'training', 'maculopathy', 'routes'));
  const { head, cv } = headFromRows(rows, {
    fittedOn: model,
    set: path.basename(dir),
    folds: Number(values.folds),
    recipe: HEAD_RECIPE,
    targetSensitivity: HEAD_TARGET_SENSITIVITY,
    recipesCompared: records.reduce((n, r) => n + tableRows(r.text), 0),
  });
  await writeFile(path.join(modelDir, MACULOPATHY_HEAD_FILE), `${JSON.stringify(head, null, 2)}\n`);
  const f3 = (v: number) => v.toFixed(3);
  console.log(
    `${head.crossValidation.set}: ${cv.photographs} photographs of ${cv.patients} patients, ${cv.positives} with maculopathy ` +
      `(left out: ${skipped.ungradable} ungradable, ${skipped.noFovea} without a located fovea)`,
  );
  console.log(
    `cross-validated (${cv.folds} patient folds): AUC ${f3(cv.auc)} (95% CI ${f3(cv.auc95.low)}–${f3(cv.auc95.high)}); ` +
      `at the ${HEAD_TARGET_SENSITIVITY * 100}% point from the training folds sensitivity ${f3(cv.sensitivity)}, specificity ${f3(cv.specificity)}`,
  );
  console.log(`stored point ${f3(head.threshold)}; wrote ${path.join(modelDir, MACULOPATHY_HEAD_FILE)}`);
}
