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
    // A Markdown record of this route's out-of-fold figures (with summary.json beside it), to commit.
    report: { type: 'string' },
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
/** Each photograph's probabilities from two models, averaged. */
const zip = (a: number[][], b: number[][]) => a.map((p, i) => mean(p, b[i]!));
const candidates = {
  startingModel: figures(pick('before', false)),
  startingModelMirror: figures(pick('before', true)),
  foldModels: figures(pick('after', false)),
  foldModelsMirror: figures(pick('after', true)),
  // A two-member ensemble: the starting model and the fold model, neither of which saw the patient.
  ensemble: figures(zip(pick('before', false), pick('after', false))),
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
  candidatesTried: 3,
  candidates,
  chosen,
  foldModelsInternalValidationAuc: avg(internal),
  lookGap: avg(internal) - chosen.referableAuc,
  foldModelsSrahimDev: { mean: avg(external), each: external },
  recipe: plan.args,
  torch: plan.torch,
  trainSeconds: folds.reduce((a, f) => a + f.trainSeconds, 0),
  imagesPerSecond: avg(folds.map((f) => f.imagesPerSecond)),
};
await writeFile(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
const f = (v: number) => v.toFixed(3);
const line = (label: string, c: ReturnType<typeof figures>) =>
  `| ${label} | ${f(c.referableAuc)} (${f(c.interval.low)}–${f(c.interval.high)}) | ${f(c.kappa)} | ${f(c.threshold)} | ${f(c.sensitivity)} / ${f(c.specificity)} |`;
const table = [
  `${summary.images} camera-look photographs (${summary.referable} referable, ${summary.patients} patients), ${plan.k} folds`,
  '',
  '| out-of-fold | referable AUC (95% CI) | kappa | point for 90% sens. | sens. / spec. there |',
  '| --- | --- | --- | --- | --- |',
  line('starting model', candidates.startingModel),
  line('starting model, mirror-averaged', candidates.startingModelMirror),
  line('fold models', candidates.foldModels),
  line('fold models, mirror-averaged', candidates.foldModelsMirror),
  line('starting model + fold model, averaged', candidates.ensemble),
  '',
  `fold models: internal validation (eyepacs-256) AUC ${f(avg(internal))}, look gap ${f(summary.lookGap)}; srahim-dev AUC ${f(avg(external))} (${external.map(f).join(', ')})`,
].join('\n');
console.log(table);
if (values.report) {
  const recipe = Object.entries(plan.args)
    .filter(([k]) => !['data', 'init', 'out', 'only_fold', 'final'].includes(k))
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  await writeFile(
    values.report,
    [
      `# Route: camera-look fine-tuning by patient folds (written by npm run base-model:finish-folds)`,
      '',
      `Started from ${path.basename(plan.init)}; PyTorch ${plan.torch}; recipe: ${recipe}.`,
      `Training time ${(summary.trainSeconds / 60).toFixed(0)} min for ${plan.k} folds (${summary.imagesPerSecond.toFixed(1)} images/s).`,
      '',
      table,
      '',
    ].join('\n'),
  );
  await writeFile(values.report.replace(/\.md$/, '') + '.json', `${JSON.stringify(summary, null, 2)}\n`);
}

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
  // The out-of-fold figures in the shape `npm run evaluate` writes, so reports quote them like any evaluation.
  await mkdir(path.join(out, 'evaluation'), { recursive: true });
  await writeFile(
    path.join(out, 'evaluation', 'camera-look-folds-evaluation.json'),
    `${JSON.stringify(
      {
        set: { name: `camera-look EyePACS, out-of-fold (${plan.k} patient folds)` },
        images: summary.images,
        gradable: summary.images,
        referable: {
          positives: summary.referable,
          auc: chosen.referableAuc,
          auc95: chosen.interval,
          threshold: chosen.threshold,
          sensitivity: chosen.sensitivity,
          specificity: chosen.specificity,
        },
        kappa: chosen.kappa,
        gradedBy:
          'PyTorch (train_camera_folds.py), each photograph by the fold model that never saw its patient',
      },
      null,
      2,
    )}\n`,
  );
  await writeFile(path.join(out, 'MODEL_CARD.md'), await card(out, metadata, summary, start));
  await exportOnnx(out);
  console.error(`model written to ${out} (with its ONNX backbone and MODEL_CARD.md)`);
}

/** The card: every figure from summary.json or an evaluation file `npm run evaluate` wrote into evaluation/. */
async function card(
  out: string,
  metadata: { name: string; version: string; operatingPoint: { threshold: number } },
  s: typeof summary,
  start: { name: string; version: string },
): Promise<string> {
  const srahim = await readEvaluation(path.join(out, 'evaluation', 'srahim-dev-evaluation.json'));
  const previous = await readEvaluation(path.join(plan.init, 'evaluation', 'srahim-dev-evaluation.json'));
  const row = (label: string, c: ReturnType<typeof figures>) =>
    `| ${label} | ${f(c.referableAuc)} (${f(c.interval.low)}–${f(c.interval.high)}) | ${f(c.kappa)} | ${f(c.threshold)} | ${f(c.sensitivity)} / ${f(c.specificity)} |`;
  const evalRow = (label: string, e: Awaited<ReturnType<typeof readEvaluation>>) =>
    e
      ? `| ${label} | ${e.images} | ${f(e.referable.auc)} (${f(e.referable.auc95.low)}–${f(e.referable.auc95.high)}) | ${f(e.referable.threshold)} | ${f(e.referable.sensitivity)} / ${f(e.referable.specificity)} | ${f(e.kappa)} |`
      : `| ${label} | – | not evaluated yet (npm run evaluate -- --model … --out …/evaluation) | | | |`;
  return [
    `# Model card: ${metadata.name} ${metadata.version}`,
    '',
    '**A screening aid, not a diagnosis.** It flags fundus photographs that may show referable diabetic retinopathy',
    '(ICDR grade ≥ 2) for a clinician to review. **Not validated for clinical use**: the figures below fall short of',
    'the targets (AUC ≥ 0.85 on camera-look EyePACS, ≥ 0.93 on srahim-dev; sensitivity ≥ 0.87 with specificity ≥ 0.70).',
    '',
    '## What it is',
    '',
    `- ${start.name} ${start.version} (MobileNetV2, 256 px, \`retina-lan-v1\`; see its card) with every layer trained again by`,
    '  `training/base-model/train_camera_folds.py` on the eyepacs-256 training photographs and all camera-look EyePACS',
    `  photographs (eyepacs-1024-paired, eyepacs-1024-dev, eyepacs-originals), ${Math.round(Number(s.recipe.camera_share) * 100)}% of every batch camera-look;`,
    `  ${String(s.recipe.steps)} steps of ${String(s.recipe.batch)}, learning rate ${String(s.recipe.lr)} (head ${String(s.recipe.head_lr)}), PyTorch ${s.torch}, CPU.`,
    `- Test-time augmentation: ${s.testTimeAugmentation} (chosen on the camera-look folds).`,
    `- Operating point: referable when P ≥ ${f(metadata.operatingPoint.threshold)}, for 90% sensitivity on the camera-look folds (out-of-fold).`,
    '- Engines: ONNX Runtime (model.onnx, the backbone; checked against tfjs at load) or tfjs-wasm.',
    '',
    '## Camera-look EyePACS photographs, by patient folds',
    '',
    `${s.images} photographs (${s.referable} referable) of ${s.patients} patients the starting model never trained on, dealt into`,
    `${plan.k} folds by patient (referable patients spread evenly). Each fold model trained on everything but its fold with a`,
    'recipe fixed before any fold was seen; each photograph below was graded by the fold model that never saw its patient.',
    `Candidates tried on these folds: ${s.candidatesTried} (mirror averaging or not). Reproduce: README, "Training the base model".`,
    '',
    '| out-of-fold | referable AUC (95% CI) | kappa | point for 90% sens. | sens. / spec. there |',
    '| --- | --- | --- | --- | --- |',
    row(`starting model (${start.name} ${start.version})`, s.candidates.startingModel),
    row('starting model, mirror-averaged', s.candidates.startingModelMirror),
    row('fold models', s.candidates.foldModels),
    row('fold models, mirror-averaged', s.candidates.foldModelsMirror),
    '',
    `Look gap (internal validation on eyepacs-256 minus camera-look out-of-fold AUC): ${f(s.lookGap)}`,
    `(fold models' internal validation ${f(s.foldModelsInternalValidationAuc)}). Fold models on srahim-dev: mean AUC ${f(s.foldModelsSrahimDev.mean)}`,
    `(${s.foldModelsSrahimDev.each.map(f).join(', ')}).`,
    '',
    '## srahim-dev (another clinic and camera; never trained on)',
    '',
    '| model | images | AUC (95% CI) | operating point | sens. / spec. | kappa |',
    '| --- | --- | --- | --- | --- | --- |',
    evalRow(`${metadata.name} ${metadata.version}`, srahim),
    evalRow(`${start.name} ${start.version}`, previous),
    '',
    '## Limits',
    '',
    "- The camera-look sets are small (intervals about ±0.07); labels are single graders' (EyePACS).",
    '- The routes of issue #25 not measured in this model: higher input resolution, features of both eyes,',
    '  an ordinal target, an ensemble with test-time augmentation. See the issue notes.',
    '- Data: EyePACS (Kaggle 2015, research use); srahim-dev (Rahim S. S., 2025, academic use) only for evaluation.',
    '',
  ].join('\n');
}

async function readEvaluation(file: string): Promise<{
  images: number;
  kappa: number;
  referable: {
    auc: number;
    auc95: { low: number; high: number };
    threshold: number;
    sensitivity: number;
    specificity: number;
  };
} | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}
