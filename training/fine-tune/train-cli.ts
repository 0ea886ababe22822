// `npm run train -- --images DIR [--labels CSV] [--out DIR] [--epochs N] [--seed S] [--resume]
//                    [--also-images DIR --also-labels CSV] [--batch N] [--lr X] [--validation F]
//                    [--workers N] [--cache DIR] [--limit N] [--target-sensitivity F]`
// Fine-tunes MobileNetV2's blocks 13–16 and a new DR head on fundus photographs, preprocessed exactly as the
// app does, and writes a model folder the app can load.
import { referableProbability } from '../../domain/grades.ts';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../../model/inference/backend.ts';
import { projectRoot } from '../../model/inference/model-paths.ts';
import { registerWasmGradients } from './wasm-gradients.ts';
import { buildHead, buildInferenceModel, buildTail, featureChannels, loadMobileNetV2 } from './backbone.ts';
import { readGradeFolders, readKaggleLabels, splitByPatient, type LabelledImage } from '../data/dataset.ts';
import { exportModel } from './export-model.ts';
import { loadFeatures } from '../data/feature-cache.ts';
import { thresholdForSensitivity, binaryCounts, binaryMetrics } from '../evaluate/metrics.ts';
import { formatSeconds, progressBar } from '../progress.ts';
import { checkpointFiles, classWeights, evaluateSet, restoreModel, train } from './trainer.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    labels: { type: 'string' },
    'also-images': { type: 'string' },
    'also-labels': { type: 'string' },
    out: { type: 'string', default: path.join(projectRoot(), 'training-output', 'model') },
    epochs: { type: 'string', default: '6' },
    seed: { type: 'string', default: '2017' },
    resume: { type: 'boolean', default: false },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.0002' },
    validation: { type: 'string', default: '0.1' },
    workers: { type: 'string', default: '2' },
    cache: { type: 'string', default: path.join(projectRoot(), '.cache', 'features') },
    limit: { type: 'string' },
    'target-sensitivity': { type: 'string', default: '0.9' },
    name: { type: 'string', default: 'eyenet-mnv2-dr' },
    version: { type: 'string', default: '1.0.0' },
    'freeze-backbone': { type: 'boolean', default: false },
    'warmup-steps': { type: 'string', default: '60' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values.images) {
  console.error(
    'Usage: npm run train -- --images DIR [--labels CSV] [--out DIR] [--epochs N] [--seed S] [--resume]',
  );
  process.exit(values.help ? 0 : 2);
}

const seed = Number(values.seed);
const epochs = Number(values.epochs);
const targetSensitivity = Number(values['target-sensitivity']);
const load = (images: string, labels: string | undefined): LabelledImage[] => {
  if (!labels) return readGradeFolders(images);
  const { images: found, missing } = readKaggleLabels(labels, images);
  if (missing.length)
    console.error(
      `${labels}: ${missing.length} listed image(s) not found, e.g. ${missing.slice(0, 3).join(', ')}`,
    );
  return found;
};

let main = load(values.images, values.labels);
let extra = values['also-images'] ? load(values['also-images'], values['also-labels']) : [];
if (values.limit) {
  // Tiny runs for tests: the first N patients' images.
  const keep = new Set([...new Set(main.map((i) => i.patient))].slice(0, Number(values.limit)));
  main = main.filter((i) => keep.has(i.patient));
  extra = extra.filter((i) => keep.has(i.patient));
}
if (main.length === 0) {
  console.error(`No labelled images found in ${values.images}.`);
  process.exit(2);
}
// Extra images (the natural-colour copies of some training photographs) belong to main's patients: keep
// those patients on the training side so no photograph is on both sides of the split.
const forceTrain = new Set(extra.map((i) => i.patient));
const split = splitByPatient(main, { validationFraction: Number(values.validation), seed, forceTrain });
const trainImages = [...split.train, ...extra];
console.error(
  `training on ${trainImages.length} images (${split.train.length} + ${extra.length} extra), ` +
    `validating on ${split.validation.length} images of ${new Set(split.validation.map((i) => i.patient)).size} other patients`,
);

const backend = await initBackend();
registerWasmGradients();
console.error(`backend ${backend}`);

const workers = Math.max(1, Number(values.workers));
const cacheStart = performance.now();
const trainSet = await loadFeatures('train', trainImages, {
  cacheDir: values.cache,
  workers,
  onProgress: progressBar('caching train'),
});
const validationSet = await loadFeatures('validation', split.validation, {
  cacheDir: values.cache,
  workers,
  onProgress: progressBar('caching validation'),
});
for (const f of [...trainSet.failed, ...validationSet.failed]) console.error(`skipped ${f.name}: ${f.error}`);
console.error(`features ready in ${formatSeconds((performance.now() - cacheStart) / 1000)}`);

const backbone = await loadMobileNetV2();
const head = buildHead(featureChannels(backbone), seed);
const model = { tail: buildTail(backbone), head };
const checkpointDir = path.join(values.out, '..', `${path.basename(values.out)}-checkpoint`);

let bar = progressBar('epoch 1');
const state = await train(model, trainSet, validationSet, {
  epochs,
  batchSize: Number(values.batch),
  learningRate: Number(values.lr),
  // --freeze-backbone trains the head alone (the frozen-features baseline the model card compares against).
  headOnlySteps: values['freeze-backbone'] ? Number.POSITIVE_INFINITY : Number(values['warmup-steps']),
  dropout: 0.3,
  seed,
  checkpointDir,
  resume: values.resume,
  onStep: ({ epoch, step, steps, loss }) => {
    if (step === 1) bar = progressBar(`epoch ${epoch}/${epochs}`);
    bar(step, steps, `loss ${loss.toFixed(4)}`);
  },
  onEpoch: (r) =>
    console.error(
      `epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)} · validation loss ${r.validationLoss.toFixed(4)} · ` +
        `referable AUC ${r.validationAuc.toFixed(4)} · kappa ${r.validationKappa.toFixed(4)} · ${formatSeconds(r.seconds)}`,
    ),
});

// The best epoch by validation AUC becomes the model; its operating point comes from the same validation set.
await restoreModel(model, checkpointFiles(checkpointDir).best);
const weights = classWeights(trainSet.images.map((i) => i.level));
const validation = evaluateSet(model, validationSet, weights);
const labels = validationSet.images.map((i) => i.level >= 2);
const scores = validation.probabilities.map(referableProbability);
const threshold = thresholdForSensitivity(labels, scores, targetSensitivity);
const atThreshold = binaryMetrics(binaryCounts(labels, scores, threshold));
const inference = buildInferenceModel(backbone, head);
const summary = {
  set: 'internal validation: eyepacs-256 patients held out of training (not camera images)',
  images: validationSet.images.length,
  referableAuc: validation.auc,
  kappa: validation.kappa,
  threshold,
  sensitivity: atThreshold.sensitivity,
  specificity: atThreshold.specificity,
  bestEpoch: state.bestEpoch,
};
await exportModel(inference, values.out, {
  name: values.name,
  version: values.version,
  description:
    'MobileNetV2 (nsfwjs weights) with blocks 13–16 and a DR head fine-tuned by `npm run train` on eyepacs-256 ' +
    '(and its natural-colour copies); see MODEL_CARD.md.',
  operatingPoint: {
    threshold,
    targetSensitivity,
    source: 'internal validation (eyepacs-256 held-out patients)',
  },
  validation: summary,
});
await writeFile(
  path.join(values.out, 'training.json'),
  `${JSON.stringify(
    {
      args: values,
      variant: values['freeze-backbone']
        ? 'frozen backbone, head only'
        : 'blocks 13–16 + Conv_1 + head fine-tuned',
      backend,
      trainImages: trainSet.images.length,
      validationImages: validationSet.images.length,
      classWeights: weights,
      history: state.history,
      bestEpoch: state.bestEpoch,
      validation: summary,
    },
    null,
    2,
  )}\n`,
);
console.error(
  `best epoch ${state.bestEpoch}: validation AUC ${validation.auc.toFixed(4)}; operating point ${threshold.toFixed(4)} → sensitivity ${atThreshold.sensitivity.toFixed(3)}, specificity ${atThreshold.specificity.toFixed(3)}`,
);
console.error(`model written to ${values.out}`);
