// `npm run base-model:finish-folds -- --folds DIR [--out MODEL_DIR --name N --version V] [--target-sensitivity F]`
// Maintainer's tool, after train_camera_folds.py: reads every fold's out-of-fold grades and says what the recipe
// gives on camera-look photographs it never saw (AUC with a bootstrap interval, kappa, the look gap), beside the
// starting model on the very same photographs. The camera-look folds choose mirror averaging and the operating
// point (90% sensitivity there). With --out, the model trained on all of it (DIR/final) becomes a model folder with
// that operating point and its ONNX backbone; its srahim-dev figure is `npm run evaluate`'s, run afterwards.
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GRADE_NAMES, argmax, referableProbability } from '../../domain/grades.ts';
import { readModelMetadata } from '../../model/inference/metadata.ts';
import {
  binaryCounts,
  binaryMetrics,
  bootstrapAuc,
  quadraticWeightedKappa,
  rocAuc,
  thresholdForSensitivity,
} from '../evaluate/metrics.ts';
import { exportOnnx } from './export-onnx.ts';

interface Scores {
  probabilities: number[][];
  mirrored: number[][];
}

interface FoldResult {
  fold: number | null;
  steps: number;
  trainSeconds: number;
  imagesPerSecond: number;
  trainBase: number;
  trainCamera: number;
  heldOut: string[];
  heldOutSource: string[];
  heldOutLevels: number[];
  before: Scores;
  after: Scores;
  external: Scores & { names: string[]; levels: number[] };
  internalValidationAuc: number;
  externalAuc: number;
}

const { values } = parseArgs({
  options: {
    folds: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string', default: 'eyenet-mnv2-dr' },
    version: { type: 'string', default: '2.1.0' },
    'target-sensitivity': { type: 'string', default: '0.9' },
  },
});
if (!values.folds) {
  console.error('Usage: npm run base-model:finish-folds -- --folds DIR [--out MODEL_DIR]');
  process.exit(2);
}
const dir = path.resolve(values.folds);
const plan = JSON.parse(await readFile(path.join(dir, 'folds.json'), 'utf8')) as {
  k: number;
  args: Record<string, unknown>;
  torch: string;
  init: string;
};
const folds: FoldResult[] = [];
for (const entry of (await readdir(dir)).filter((d) => /^fold-\d+$/.test(d)).sort())
  folds.push(JSON.parse(await readFile(path.join(dir, entry, 'result.json'), 'utf8')) as FoldResult);
if (folds.length !== plan.k) {
  console.error(
    `${folds.length} of ${plan.k} folds are done: run train_camera_folds.py again to finish them.`,
  );
  process.exit(1);
}

const mean = (a: number[], b: number[]) => a.map((p, k) => (p + b[k]!) / 2);
const levels = folds.flatMap((f) => f.heldOutLevels);
const labels = levels.map((l) => l >= 2);
const target = Number(values['target-sensitivity']);

/** The figures of one way of grading the out-of-fold photographs. */
function figures(probabilities: number[][], threshold?: number) {
  const scores = probabilities.map(referableProbability);
  const interval = bootstrapAuc(labels, scores);
  const point = threshold ?? thresholdForSensitivity(labels, scores, target);
  const at = binaryMetrics(binaryCounts(labels, scores, point));
  return {
    referableAuc: rocAuc(labels, scores),
    interval,
    kappa: quadraticWeightedKappa(levels, probabilities.map(argmax)),
    threshold: point,
    sensitivity: at.sensitivity,
    specificity: at.specificity,
  };
}

const pick = (key: 'before' | 'after', mirror: boolean) =>
  folds.flatMap((f) =>
    mirror ? f[key].probabilities.map((p, i) => mean(p, f[key].mirrored[i]!)) : f[key].probabilities,
  );
const candidates = {
  startingModel: figures(pick('before', false)),
  startingModelMirror: figures(pick('before', true)),
  foldModels: figures(pick('after', false)),
  foldModelsMirror: figures(pick('after', true)),
};
// Mirror averaging is chosen on the camera-look folds (one of the two candidates counted in the card).
const mirror = candidates.foldModelsMirror.referableAuc > candidates.foldModels.referableAuc;
const chosen = mirror ? candidates.foldModelsMirror : candidates.foldModels;
const internal = folds.map((f) => f.internalValidationAuc);
const external = folds.map((f) => f.externalAuc);
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = {
  set: `camera-look EyePACS photographs by ${plan.k} patient folds (eyepacs-1024-dev and eyepacs-originals patients outside eyepacs-256): each graded by a model that never saw its patient`,
  images: labels.length,
  referable: labels.filter(Boolean).length,
  patients: new Set(folds.flatMap((f) => f.heldOut.map((n) => n.replace(/_(left|right)$/, '')))).size,
  testTimeAugmentation: mirror ? 'mirror' : 'none',
  candidatesTried: 2,
  candidates,
  chosen,
  foldModelsInternalValidationAuc: avg(internal),
  lookGap: avg(internal) - chosen.referableAuc,
  foldModelsSrahimDevAuc: { mean: avg(external), each: external },
  recipe: plan.args,
  torch: plan.torch,
  trainSeconds: folds.reduce((a, f) => a + f.trainSeconds, 0),
  imagesPerSecond: avg(folds.map((f) => f.imagesPerSecond)),
};
await writeFile(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
const f = (v: number) => v.toFixed(3);
const line = (label: string, c: ReturnType<typeof figures>) =>
  `| ${label} | ${f(c.referableAuc)} (${f(c.interval.low)}–${f(c.interval.high)}) | ${f(c.kappa)} | ${f(c.threshold)} | ${f(c.sensitivity)} / ${f(c.specificity)} |`;
console.log(
  [
    `${summary.images} camera-look photographs (${summary.referable} referable, ${summary.patients} patients), ${plan.k} folds`,
    '',
    '| out-of-fold | referable AUC (95% CI) | kappa | point for 90% sens. | sens. / spec. there |',
    '| --- | --- | --- | --- | --- |',
    line('starting model', candidates.startingModel),
    line('starting model, mirror-averaged', candidates.startingModelMirror),
    line('fold models', candidates.foldModels),
    line('fold models, mirror-averaged', candidates.foldModelsMirror),
    '',
    `fold models: internal validation (eyepacs-256) AUC ${f(avg(internal))}, look gap ${f(summary.lookGap)}; srahim-dev AUC ${f(avg(external))} (${external.map(f).join(', ')})`,
  ].join('\n'),
);

if (values.out) {
  const out = path.resolve(values.out);
  const final = path.join(dir, 'final', 'best');
  await mkdir(out, { recursive: true });
  for (const file of ['model.json', 'weights.bin'])
    await copyFile(path.join(final, file), path.join(out, file));
  const start = await readModelMetadata(plan.init);
  const metadata = {
    ...start,
    name: values.name,
    version: values.version,
    validated: false,
    classLabels: [...GRADE_NAMES],
    description:
      `${start.name} ${start.version} with every layer trained again on eyepacs-256 and the camera-look EyePACS ` +
      'photographs (training/base-model/train_camera_folds.py, PyTorch); figures by camera-look patient folds, see MODEL_CARD.md.',
    validation: summary,
    testTimeAugmentation: summary.testTimeAugmentation,
    operatingPoint: {
      threshold: chosen.threshold,
      targetSensitivity: target,
      source: `camera-look EyePACS photographs, out-of-fold (${plan.k} patient folds)`,
    },
  };
  await writeFile(path.join(out, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  const finalResult = JSON.parse(
    await readFile(path.join(dir, 'final', 'result.json'), 'utf8'),
  ) as FoldResult;
  await writeFile(
    path.join(out, 'training.json'),
    `${JSON.stringify(
      {
        route: 'camera-look folds',
        trainer: 'training/base-model/train_camera_folds.py',
        startedFrom: `${start.name} ${start.version}`,
        torch: plan.torch,
        args: plan.args,
        trainBase: finalResult.trainBase,
        trainCamera: finalResult.trainCamera,
        trainingSeconds: finalResult.trainSeconds,
        imagesPerSecond: finalResult.imagesPerSecond,
        internalValidationAuc: finalResult.internalValidationAuc,
        validation: summary,
      },
      null,
      2,
    )}\n`,
  );
  await exportOnnx(out);
  console.error(`model written to ${out} (with its ONNX backbone)`);
}
