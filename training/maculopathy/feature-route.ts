// Maintainer's tool (issue #23, route 2): `npm run maculopathy:features [-- --model DIR --data DIR --report FILE]`
// measures maculopathy heads on the grading network's own features by patient folds (the same folds as
// maculopathy:cv): the whole photograph's pooled features, the feature maps pooled around the located fovea, and the
// network's features of a magnified crop of the macula — each alone and with the hand-made bright-lesion evidence.
// Every score is out of fold; the recipes (two L2 strengths) are fixed here, before any fold is seen.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brightLesionFeatures } from '../../model/anatomy/bright-lesions.ts';
import { locateLandmarks } from '../../model/anatomy/locate.ts';
import { macularCrop, maculaPool } from '../../model/anatomy/macular-features.ts';
import { loadDrModel } from '../../model/inference/engine.ts';
import { poolFeatureMaps } from '../../model/inference/onnx-check.ts';
import { activeModelDir, sharedDataDir } from '../../model/inference/model-paths.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import { referableProbability } from '../../domain/grades.ts';
import { readKaggleLabels } from '../data/dataset.ts';
import { progressBar } from '../progress.ts';
import { crossValidateHead } from './head-cv.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: path.join(sharedDataDir(), 'srahim-dev') },
    folds: { type: 'string', default: '5' },
    report: { type: 'string' },
  },
});
const modelDir = path.resolve(values.model ?? activeModelDir());
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
const { model } = await loadDrModel(modelDir, 'onnx');
if (!model.featureMaps) throw new Error('The engine gives no feature maps.');
const size = model.metadata.inputSize;

interface Row {
  patient: string;
  label: boolean;
  whole: Float32Array;
  macula: Float32Array;
  crop: Float32Array;
  bright: number[];
  /** The grading head's referable-DR logit: maculopathy travels with retinopathy severity. */
  referable: number;
}
const rows: Row[] = [];
let located = 0;
const bar = progressBar('features');
for (const [i, image] of images.entries()) {
  const label = labels.get(image.name);
  if (label === undefined) continue;
  const pre = await preprocess(new Uint8Array(readFileSync(image.file)), size);
  const { size: n, rgb, mask } = pre.canonical;
  const found = locateLandmarks(rgb, mask, n);
  if (found) located++;
  // Without a located fovea the middle of the photograph stands in (a macula-centred field puts it there).
  const landmarks = found ?? { fovea: { x: 0.5, y: 0.5 }, disc: { x: 0.5, y: 0.5 }, discDiameter: 0.15 };
  const maps = await model.featureMaps(pre.pixels);
  const cropMaps = await model.featureMaps(await macularCrop(pre.canonical, landmarks.fovea, size));
  const b = brightLesionFeatures(pre.canonical, found);
  const p = referableProbability((await model.predict(pre.pixels)).probabilities);
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  rows.push({
    patient: image.patient,
    label,
    whole: poolFeatureMaps(maps),
    macula: maculaPool(maps, landmarks),
    crop: poolFeatureMaps(cropMaps),
    bright: [b.strongNear, b.strongRing, b.mildNear, b.mildRing].map((v) => Math.log(v + 1e-3)),
    referable: Math.log(q / (1 - q)),
  });
  bar(i + 1, images.length);
}
model.dispose();

const y = rows.map((r) => r.label);

/** Out-of-fold figures of a logistic head on `features` (the same folds and point as the shipped head's). */
function outOfFold(features: (r: Row) => number[], l2: number) {
  return crossValidateHead(
    rows.map((r) => ({ patient: r.patient, label: r.label, inputs: features(r) })),
    { folds: K, recipe: { l2, steps: 300, rate: 0.1 }, targetSensitivity: 0.8 },
  );
}

const sets: [string, (r: Row) => number[]][] = [
  ['the grading head’s referable-DR logit (1)', (r) => [r.referable]],
  ['bright-lesion evidence (4)', (r) => r.bright],
  ['referable-DR logit + bright lesions (5)', (r) => [r.referable, ...r.bright]],
  ['whole photograph, pooled', (r) => Array.from(r.whole)],
  ['around the fovea (maps weighted, σ 1 DD)', (r) => Array.from(r.macula)],
  ['magnified macula crop, pooled', (r) => Array.from(r.crop)],
  ['around the fovea + bright lesions', (r) => [...r.macula, ...r.bright]],
  ['macula crop + bright lesions', (r) => [...r.crop, ...r.bright]],
  ['around the fovea + macula crop + bright lesions', (r) => [...r.macula, ...r.crop, ...r.bright]],
  ['macula crop + bright lesions + referable-DR logit', (r) => [...r.crop, ...r.bright, r.referable]],
];
const f3 = (v: number) => v.toFixed(3);
const lines = [
  `${path.basename(dir)}: ${rows.length} photographs of ${new Set(rows.map((r) => r.patient)).size} patients, ` +
    `${y.filter(Boolean).length} with maculopathy; fovea located on ${located}; ${K} patient folds (as maculopathy:cv).`,
  `Features: ${model.metadata.name} ${model.metadata.version}'s last feature maps (ONNX Runtime); heads: class-weighted`,
  'logistic regression on standardised features, 300 steps at rate 0.1, L2 1 and 0.1 (both fixed before the folds).',
  '',
  '| features | L2 | maculopathy AUC (95% CI), out of fold | sensitivity / specificity at the 80% point from the training folds |',
  '| --- | --- | --- | --- |',
];
for (const [name, features] of sets)
  for (const l2 of [1, 0.1]) {
    const r = outOfFold(features, l2);
    lines.push(
      `| ${name} | ${l2} | ${f3(r.auc)} (${f3(r.auc95.low)}–${f3(r.auc95.high)}) | ${f3(r.sensitivity)} / ${f3(r.specificity)} |`,
    );
    console.error(lines.at(-1));
  }
const text = lines.join('\n');
console.log(text);
if (values.report)
  writeFileSync(
    values.report,
    `# Maculopathy heads on the grading network's features (written by npm run maculopathy:features)\n\n${text}\n`,
  );
