// `npm run evaluate -- --images DIR --labels CSV [--images DIR --labels CSV …] [--model DIR] [--json] [--out DIR]
//                      [--workers N] [--folds FILE [--store-point]]`
// Grades every labelled photograph through the app's own pipeline (quality gate included) and reports the
// screening figures, with the ROC curve and confusion matrix as SVG files. With --folds (patient → fold, e.g.
// training/base-model/camera-look-folds.json) it also judges each fold at the operating point chosen on the other
// folds (folds.ts); --store-point then writes the point chosen on all the folds into the model's metadata.
import { DEFAULT_REFERABLE_THRESHOLD } from '../../domain/referable.ts';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseModelMetadata } from '../../model/inference/metadata.ts';
import { activeModelDir, projectRoot } from '../../model/inference/model-paths.ts';
import { GradingPool, defaultPoolSize } from '../../model/worker/grading-pool.ts';
import { confusionSvg, rocSvg } from './charts.ts';
import { readGradeFolders, readKaggleLabels } from '../data/dataset.ts';
import { evaluatePredictions, type Prediction } from './evaluation.ts';
import { evaluateFolds, readPatientFolds } from './folds.ts';
import { progressBar } from '../progress.ts';
import { gradeUngated } from './grade-ungated.ts';
import { maculopathyFigures } from './maculopathy-figures.ts';
import { existsSync } from 'node:fs';
import { baseSplit } from '../base-model/base-split.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string', multiple: true },
    labels: { type: 'string', multiple: true },
    folds: { type: 'string' },
    // The eyepacs-256 patients the base models were chosen on (base-split.ts): with the camera-look folds it gives
    // the look gap (issue #25, route 3).
    'internal-validation': { type: 'boolean', default: false },
    'store-point': { type: 'boolean', default: false },
    'target-sensitivity': { type: 'string', default: '0.9' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    workers: { type: 'string' },
    threshold: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
const usage =
  'Usage: npm run evaluate -- --images DIR --labels CSV [--images DIR --labels CSV …] [--model DIR] [--json] ' +
  '[--out DIR] [--folds FILE [--store-point]] | --internal-validation';
const sets = values.images ?? [];
const labelFiles = values.labels ?? [];
if (values.help || (sets.length === 0 && !values['internal-validation'])) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
if (labelFiles.length > 0 && labelFiles.length !== sets.length) {
  console.error(
    `Give one --labels per --images (${sets.length} image folders, ${labelFiles.length} label files).`,
  );
  process.exit(2);
}
if (values['store-point'] && !values.folds) {
  console.error('--store-point stores the point chosen on the folds: give --folds FILE.');
  process.exit(2);
}
const targetSensitivity = Number(values['target-sensitivity']);
if (!(targetSensitivity > 0 && targetSensitivity < 1)) {
  console.error('--target-sensitivity is a fraction between 0 and 1.');
  process.exit(2);
}
const folds = values.folds ? readPatientFolds(path.resolve(values.folds)) : null;

const modelDir = values.model ? path.resolve(values.model) : activeModelDir();
const metadata = parseModelMetadata(
  JSON.parse(await readFile(path.join(modelDir, 'metadata.json'), 'utf8')),
  modelDir,
);
const threshold = values.threshold
  ? Number(values.threshold)
  : (metadata.operatingPoint?.threshold ?? DEFAULT_REFERABLE_THRESHOLD);
const images = values['internal-validation']
  ? baseSplit().validation
  : sets.flatMap((dir, i) =>
      labelFiles[i] ? readKaggleLabels(labelFiles[i], dir).images : readGradeFolders(dir),
    );
if (images.length === 0) {
  console.error(`No labelled images in ${sets.join(', ')}.`);
  process.exit(2);
}
const setName = values['internal-validation']
  ? 'internal-validation'
  : sets.map((dir, i) => path.basename(path.resolve(dir, labelFiles[i] ? '..' : '.'))).join('+');
const out = path.resolve(
  values.out ?? path.join(projectRoot(), 'test-output', 'evaluation', `${metadata.name}-${setName}`),
);
const bar = progressBar(`evaluating ${setName}`);
const failures: string[] = [];

/** Through the app's own grading pool, quality gate first (every set but internal validation). */
async function gradeThroughPool(): Promise<{ predictions: Prediction[]; backend: string }> {
  const pool = await GradingPool.start({
    modelDir,
    size: values.workers ? Number(values.workers) : defaultPoolSize(),
  });
  let done = 0;
  const predictions = await Promise.all(
    images.map(async (image): Promise<Prediction> => {
      try {
        const graded = await pool.grade(new Uint8Array(await readFile(image.file)));
        return {
          name: image.name,
          level: image.level,
          gradable: graded.quality.gradable,
          probabilities: graded.probabilities,
          ...(graded.maculopathy ? { maculopathy: graded.maculopathy } : {}),
        };
      } catch (error) {
        // A file that cannot be graded at all counts as ungradable, and is named so it can be looked at.
        failures.push(`${image.name}: ${error instanceof Error ? error.message : String(error)}`);
        return { name: image.name, level: image.level, gradable: false, probabilities: null };
      } finally {
        bar(++done, images.length);
      }
    }),
  );
  await pool.close();
  return { predictions, backend: pool.backend };
}

const graded = values['internal-validation']
  ? await gradeUngated(modelDir, images, bar)
  : await gradeThroughPool();
const predictions = graded.predictions;
for (const failure of failures) console.error(`could not grade ${failure}`);

const result = evaluatePredictions(predictions, threshold);
// A maculopathy.csv beside the labels: the maculopathy head's figures too (cross-validated on this folder).
const maculopathyCsv =
  labelFiles.length === 1 && sets.length === 1
    ? path.join(path.dirname(labelFiles[0]!), 'maculopathy.csv')
    : null;
const maculopathy =
  maculopathyCsv && existsSync(maculopathyCsv)
    ? await maculopathyFigures(
        modelDir,
        { images: sets[0]!, labels: labelFiles[0]!, maculopathy: maculopathyCsv },
        setName,
        predictions,
      )
    : null;
const foldFigures = folds ? evaluateFolds(predictions, folds, targetSensitivity) : null;
if (foldFigures && values['store-point']) {
  const file = path.join(modelDir, 'metadata.json');
  const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const f = foldFigures;
  stored.operatingPoint = {
    threshold: f.allFolds.threshold,
    targetSensitivity,
    source:
      `camera-look folds (${setName}: ${f.images} photographs, ${f.patients} patients, ${f.referable} referable, ` +
      `${f.k} patient folds); judged out of fold: sensitivity ${f.outOfFold.sensitivity.toFixed(3)}, ` +
      `specificity ${f.outOfFold.specificity.toFixed(3)}`,
  };
  parseModelMetadata(stored, file);
  await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`);
}
const report = {
  date: new Date().toISOString(),
  model: { name: metadata.name, version: metadata.version, dir: path.relative(projectRoot(), modelDir) },
  backend: graded.backend,
  qualityGate: !values['internal-validation'],
  set: { name: setName, images: sets, labels: labelFiles.length > 0 ? labelFiles : null },
  ...result,
  // The stored operating point was chosen on (some of) these photographs: sensitivity and specificity at it are
  // not held-out figures here (the documents say so).
  operatingPointChosenOn: setName
    .split('+')
    .some((name) => (metadata.operatingPoint?.source ?? '').includes(name)),
  folds: foldFigures,
  maculopathy,
  predictions,
};
await mkdir(out, { recursive: true });
await writeFile(path.join(out, 'evaluation.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(
  path.join(out, 'roc.svg'),
  rocSvg(result.roc, `${setName}: referable DR, AUC ${result.referable.auc.toFixed(3)}`, {
    fpr: 1 - result.referable.specificity,
    tpr: result.referable.sensitivity,
  }),
);
await writeFile(
  path.join(out, 'confusion.svg'),
  confusionSvg(result.confusion, `${setName}: ICDR grades (gradable images)`),
);

if (values.json) {
  const { predictions: _omit, roc: _roc, ...summary } = report;
  console.log(JSON.stringify(summary));
} else {
  const f = (v: number) => (Number.isNaN(v) ? 'n/a' : v.toFixed(3));
  const r = result.referable;
  console.log(
    `${metadata.name} ${metadata.version} on ${setName} (${graded.backend}${values['internal-validation'] ? ', no quality gate: 256-px training-look copies' : ''})`,
  );
  console.log(
    `images ${result.images} · gradable ${result.gradable} · ungradable rate ${f(result.ungradableRate)}`,
  );
  console.log(
    `referable DR: ${r.positives} positive · AUC ${f(r.auc)} (95% CI ${f(r.auc95.low)}–${f(r.auc95.high)})`,
  );
  console.log(
    `at threshold ${f(r.threshold)}: sensitivity ${f(r.sensitivity)} · specificity ${f(r.specificity)} · precision ${f(r.precision)} · accuracy ${f(r.accuracy)}`,
  );
  console.log(
    `any DR (grade ≥ 1): accuracy ${f(result.anyDr.accuracy)} · precision ${f(result.anyDr.precision)} · recall ${f(result.anyDr.recall)}`,
  );
  console.log(`quadratic weighted kappa ${f(result.kappa)}`);
  console.log('confusion (rows true 0–4, columns predicted 0–4):');
  for (const row of result.confusion) console.log(`  ${row.map((v) => String(v).padStart(4)).join('')}`);
  if (maculopathy) {
    const m = maculopathy;
    console.log(
      `maculopathy (${m.positives} of ${m.photographs} photographs, ${m.patients} patients; the head's recipe cross-validated ` +
        `by ${m.folds} patient folds): AUC ${f(m.auc)} (95% CI ${f(m.auc95.low)}–${f(m.auc95.high)}) · at the point ` +
        `from the training folds sensitivity ${f(m.sensitivity)} · specificity ${f(m.specificity)}`,
    );
    if (m.shipped)
      console.log(
        `  the shipped head as graded: AUC ${f(m.shipped.auc)} · sensitivity ${f(m.shipped.sensitivity)} · ` +
          `specificity ${f(m.shipped.specificity)}${m.shipped.inSample ? ' (in-sample: it was fitted on this folder)' : ''}`,
      );
    else console.log('  the model has no maculopathy head: its results say "not assessed by this model"');
  }
  if (foldFigures) {
    const ff = foldFigures;
    console.log(
      `${ff.k} patient folds: ${ff.images} photographs of ${ff.patients} patients (${ff.referable} referable; ` +
        `${ff.outsideFolds} graded photographs of patients in no fold left out)`,
    );
    for (const row of ff.perFold)
      console.log(
        `  fold ${row.fold}: ${row.images} photographs, ${row.referable} referable · AUC ${f(row.auc)} · ` +
          `point from the other folds ${f(row.threshold)} → sensitivity ${f(row.sensitivity)} · specificity ${f(row.specificity)}`,
      );
    console.log(
      `out of fold, for ${f(ff.targetSensitivity)} sensitivity: sensitivity ${f(ff.outOfFold.sensitivity)} · ` +
        `specificity ${f(ff.outOfFold.specificity)}`,
    );
    console.log(
      `point chosen on all the folds ${f(ff.allFolds.threshold)}${values['store-point'] ? ' (stored in the model)' : ''}`,
    );
  }
  console.log(`wrote ${path.relative(process.cwd(), out)}/{evaluation.json,roc.svg,confusion.svg}`);
}
