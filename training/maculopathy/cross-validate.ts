// Maintainer's tool (issue #23): `npm run maculopathy:cv [-- --data ../shared/data/srahim-dev]` measures the
// hand-made maculopathy evidence (bright lesions near the located fovea) on a labelled folder with a
// maculopathy.csv (image,maculopathy), by patient folds: each feature's AUC as it is (no fitting), and a small
// logistic model on them whose every out-of-fold score comes from a model that never saw that patient. Prints a
// table (95% intervals by a patient bootstrap; --report FILE writes it too) and, with --json, the figures.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brightLesionFeatures, type BrightLesionFeatures } from '../../model/anatomy/bright-lesions.ts';
import { locateLandmarks } from '../../model/anatomy/locate.ts';
import { sharedDataDir } from '../../model/inference/model-paths.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import { readKaggleLabels } from '../data/dataset.ts';
import { rocAuc, thresholdForSensitivity, binaryCounts, binaryMetrics } from '../evaluate/metrics.ts';
import { progressBar } from '../progress.ts';
import { maculopathyFold, patientBootstrapAuc } from './head-cv.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.join(sharedDataDir(), 'srahim-dev') },
    folds: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    report: { type: 'string' },
  },
});
const dir = path.resolve(values.data!);
const K = Number(values.folds);
const labels = new Map(
  readFileSync(path.join(dir, 'maculopathy.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','))
    .map(([name, v]) => [name!, v!.trim() === '1'] as const),
);
const { images } = readKaggleLabels(path.join(dir, 'trainLabels.csv'), path.join(dir, 'images'));
const rows: { patient: string; label: boolean; f: BrightLesionFeatures }[] = [];
const bar = progressBar('features');
for (const [i, image] of images.entries()) {
  const label = labels.get(image.name);
  if (label === undefined) continue;
  const pre = await preprocess(new Uint8Array(readFileSync(image.file)), 224);
  const { size, rgb, mask } = pre.canonical;
  rows.push({
    patient: image.patient,
    label,
    f: brightLesionFeatures(pre.canonical, locateLandmarks(rgb, mask, size)),
  });
  bar(i + 1, images.length);
}
const y = rows.map((r) => r.label);
const fold = rows.map((r) => maculopathyFold(r.patient, K));
const NAMES = ['strongNear', 'strongRing', 'mildNear', 'mildRing'] as const;
/** Features as the model reads them: log of the area fraction (they are heavy-tailed, mostly near zero). */
const x = rows.map((r) => NAMES.map((k) => Math.log(r.f[k] + 1e-3)));

/** Class-weighted logistic regression, L2 1e-2, 2,000 steps of gradient descent on standardised inputs. */
function fit(train: number[]) {
  const d = NAMES.length;
  const mean = NAMES.map((_, j) => train.reduce((s, i) => s + x[i]![j]!, 0) / train.length);
  const sd = NAMES.map(
    (_, j) => Math.sqrt(train.reduce((s, i) => s + (x[i]![j]! - mean[j]!) ** 2, 0) / train.length) + 1e-9,
  );
  const z = (i: number) => x[i]!.map((v, j) => (v - mean[j]!) / sd[j]!);
  const pos = train.filter((i) => y[i]).length / train.length;
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let step = 0; step < 2000; step++) {
    const g = new Array<number>(d).fill(0);
    let gb = 0;
    for (const i of train) {
      const zi = z(i);
      const p = 1 / (1 + Math.exp(-(zi.reduce((s, v, j) => s + v * w[j]!, 0) + b)));
      const weight = y[i] ? 0.5 / pos : 0.5 / (1 - pos);
      for (let j = 0; j < d; j++) g[j]! += (weight * (p - (y[i] ? 1 : 0)) * zi[j]!) / train.length;
      gb += (weight * (p - (y[i] ? 1 : 0))) / train.length;
    }
    for (let j = 0; j < d; j++) w[j]! -= 0.1 * (g[j]! + 1e-2 * w[j]!);
    b -= 0.1 * gb;
  }
  return (i: number) => z(i).reduce((s, v, j) => s + v * w[j]!, 0) + b;
}

const oof = new Array<number>(rows.length).fill(0);
const oofAtPoint: boolean[] = new Array<boolean>(rows.length).fill(false);
for (let k = 0; k < K; k++) {
  const train = rows.map((_, i) => i).filter((i) => fold[i] !== k);
  const model = fit(train);
  // The operating point for 80% sensitivity, chosen on the training patients only.
  const point = thresholdForSensitivity(
    train.map((i) => y[i]!),
    train.map(model),
    0.8,
  );
  for (let i = 0; i < rows.length; i++)
    if (fold[i] === k) {
      oof[i] = model(i);
      oofAtPoint[i] = oof[i]! >= point;
    }
}

const bootstrap = (scores: number[]) => patientBootstrapAuc(rows, scores);

const at = binaryMetrics(
  binaryCounts(
    y,
    oofAtPoint.map((v) => (v ? 1 : 0)),
    0.5,
  ),
);
const figures = {
  set: path.basename(dir),
  photographs: rows.length,
  patients: new Set(rows.map((r) => r.patient)).size,
  positives: y.filter(Boolean).length,
  folds: K,
  features: Object.fromEntries(
    NAMES.map((k) => {
      const s = rows.map((r) => r.f[k]);
      return [k, { auc: rocAuc(y, s), auc95: bootstrap(s) }];
    }),
  ),
  maculopathy: {
    auc: rocAuc(y, oof),
    auc95: bootstrap(oof),
    sensitivity: at.sensitivity,
    specificity: at.specificity,
  },
};
if (values.json) console.log(JSON.stringify(figures, null, 2));
else {
  const f3 = (v: number) => v.toFixed(3);
  const table = [
    `${figures.set}: ${figures.photographs} photographs of ${figures.patients} patients, ${figures.positives} with maculopathy; ${K} patient folds`,
    '',
    '| scores | maculopathy AUC (95% CI) |',
    '| --- | --- |',
    ...NAMES.map((k) => {
      const e = figures.features[k]!;
      return `| ${k} (as it is) | ${f3(e.auc)} (${f3(e.auc95.low)}–${f3(e.auc95.high)}) |`;
    }),
    `| logistic model on the four (out of fold) | ${f3(figures.maculopathy.auc)} (${f3(figures.maculopathy.auc95.low)}–${f3(figures.maculopathy.auc95.high)}) |`,
    '',
    `At the point for 80% sensitivity chosen on each fold's training patients: sensitivity ${f3(at.sensitivity)}, specificity ${f3(at.specificity)}.`,
  ].join('\n');
  console.log(table);
  if (values.report)
    writeFileSync(
      values.report,
      `# Maculopathy from bright lesions near the fovea (written by npm run maculopathy:cv)\n\n${table}\n`,
    );
}
