// `npm run base-model:finish -- --trained DIR --out DIR [--name N] [--version V] [--tta auto|none|mirror]
//                                [--target-sensitivity F]`
// Maintainer's tool, step 3 of training the base model (training/base-model/README.md): turns the PyTorch
// trainer's best epoch (weights written back into the tfjs topology) into a model folder the app loads.
// Internal validation is graded again here by the app's own code (preprocessing from the photographs, tfjs
// inference), and only that set chooses the test-time augmentation and the operating point.
import { GRADE_NAMES, argmax, referableProbability } from '../../domain/grades.ts';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../../model/inference/backend.ts';
import { loadModel } from '../../model/inference/load-model.ts';
import type { ModelMetadata } from '../../model/inference/metadata.ts';
import { PIPELINE_PARAMS, PREPROCESSING_ID, preprocess } from '../../model/preprocess/preprocess.ts';
import { FEATURE_LAYER, HEAD_LAYER } from '../fine-tune/backbone.ts';
import {
  binaryCounts,
  binaryMetrics,
  quadraticWeightedKappa,
  rocAuc,
  thresholdForSensitivity,
} from '../evaluate/metrics.ts';
import { progressBar } from '../progress.ts';
import { mirror } from '../data/views.ts';
import { baseSplit } from './base-split.ts';
import type { WholeNetworkEpoch } from './torch-record.ts';

const { values } = parseArgs({
  options: {
    trained: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string', default: 'eyenet-mnv2-dr' },
    version: { type: 'string', default: '2.0.0' },
    tta: { type: 'string', default: 'auto' },
    'target-sensitivity': { type: 'string', default: '0.9' },
    limit: { type: 'string' },
  },
});
if (!values.trained || !values.out || !['auto', 'none', 'mirror'].includes(values.tta)) {
  console.error('Usage: npm run base-model:finish -- --trained DIR --out DIR [--tta auto|none|mirror]');
  process.exit(2);
}

interface TorchRecord {
  trainer: string;
  torch: string;
  threads: number;
  args: Record<string, unknown>;
  inputSize: number;
  cameraLooks: number;
  trainPhotographs: number;
  validationImages: number;
  history: WholeNetworkEpoch[];
  bestEpoch: number;
  bestValidationAuc: number;
  trainingSeconds: number;
}

const trained = path.resolve(values.trained);
const out = path.resolve(values.out);
const record = JSON.parse(await readFile(path.join(trained, 'training.json'), 'utf8')) as TorchRecord;
await mkdir(out, { recursive: true });
for (const file of ['model.json', 'weights.bin'])
  await copyFile(path.join(trained, 'best', file), path.join(out, file));

const metadata: ModelMetadata = {
  name: values.name,
  version: values.version,
  // A model becomes validated only through an evaluation on held-out camera images (npm run evaluate).
  validated: false,
  format: 'layers',
  inputSize: record.inputSize,
  classLabels: [...GRADE_NAMES],
  preprocessing: { id: PREPROCESSING_ID, params: { ...PIPELINE_PARAMS } },
  description:
    'MobileNetV2 (nsfwjs weights), every layer trained on eyepacs-256 (and its natural-colour copies) at ' +
    `${record.inputSize} px by training/base-model/train_base.py (PyTorch); see MODEL_CARD.md.`,
  validation: null,
  testTimeAugmentation: 'none',
  heatmap: { method: 'cam', featureOutput: 1, featureLayer: FEATURE_LAYER, headLayer: HEAD_LAYER },
};
await writeFile(path.join(out, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);

await initBackend();
const model = await loadModel(out);
const size = model.metadata.inputSize;
let { validation } = baseSplit({ limit: values.limit === undefined ? undefined : Number(values.limit) });
const bar = progressBar('internal validation');
const plain: number[][] = [];
const averaged: number[][] = [];
const kept: typeof validation = [];
for (const [i, image] of validation.entries()) {
  try {
    const pre = await preprocess(new Uint8Array(await readFile(image.file)), size);
    const a = (await model.predict(pre.pixels)).probabilities;
    const b = (await model.predict(mirror(pre.pixels, size))).probabilities;
    plain.push(a);
    averaged.push(a.map((p, k) => (p + b[k]!) / 2));
    kept.push(image);
  } catch (error) {
    console.error(`skipped ${image.name}: ${String(error)}`);
  }
  bar(i + 1, validation.length);
}
model.dispose();
validation = kept;

const labels = validation.map((i) => i.level >= 2);
const aucPlain = rocAuc(labels, plain.map(referableProbability));
const aucMirror = rocAuc(labels, averaged.map(referableProbability));
const tta =
  values.tta === 'auto' ? (aucMirror > aucPlain ? 'mirror' : 'none') : (values.tta as 'none' | 'mirror');
const chosen = tta === 'mirror' ? averaged : plain;
const scores = chosen.map(referableProbability);
const targetSensitivity = Number(values['target-sensitivity']);
const threshold = thresholdForSensitivity(labels, scores, targetSensitivity);
const atThreshold = binaryMetrics(binaryCounts(labels, scores, threshold));
const summary = {
  set: 'internal validation: eyepacs-256 patients held out of training (not camera images)',
  images: validation.length,
  referableAuc: rocAuc(labels, scores),
  referableAucWithoutMirror: aucPlain,
  referableAucWithMirror: aucMirror,
  testTimeAugmentation: tta,
  kappa: quadraticWeightedKappa(
    validation.map((i) => i.level),
    chosen.map(argmax),
  ),
  threshold,
  sensitivity: atThreshold.sensitivity,
  specificity: atThreshold.specificity,
  bestEpoch: record.bestEpoch,
  gradedBy: 'tfjs (the app’s loader) on photographs preprocessed by the app',
};
await writeFile(
  path.join(out, 'metadata.json'),
  `${JSON.stringify(
    {
      ...metadata,
      validation: summary,
      testTimeAugmentation: tta,
      operatingPoint: {
        threshold,
        targetSensitivity,
        source: 'internal validation (eyepacs-256 held-out patients)',
      },
    },
    null,
    2,
  )}\n`,
);
await writeFile(
  path.join(out, 'training.json'),
  `${JSON.stringify(
    {
      route: 'whole-network',
      variant: `whole network at ${record.inputSize} px (PyTorch ${record.torch}, ${record.threads} CPU threads)`,
      backend: `PyTorch ${record.torch} on the CPU (${record.threads} threads)`,
      trainer: record.trainer,
      args: record.args,
      cameraLooks: record.cameraLooks,
      trainImages: record.trainPhotographs,
      validationImages: validation.length,
      bestEpoch: record.bestEpoch,
      trainerValidationAuc: record.bestValidationAuc,
      trainingSeconds: record.trainingSeconds,
      history: record.history,
      validation: summary,
    },
    null,
    2,
  )}\n`,
);
console.error(
  `internal validation AUC ${aucPlain.toFixed(4)} (mirror-averaged ${aucMirror.toFixed(4)}; trainer said ` +
    `${record.bestValidationAuc.toFixed(4)}) → test-time augmentation ${tta}; operating point ${threshold.toFixed(4)}: ` +
    `sensitivity ${atThreshold.sensitivity.toFixed(3)}, specificity ${atThreshold.specificity.toFixed(3)}`,
);
console.error(`model written to ${out}`);
