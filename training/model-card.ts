// `npm run model-card -- --model DIR --eval FILE [--eval FILE …] [--compare FILE …] [--previous DIR]`
// Writes DIR/MODEL_CARD.md from the model's metadata, its training record and evaluation runs. Every figure
// in the card is copied from a file that `npm run train` or `npm run evaluate` wrote; none is typed in.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Evaluation } from './evaluation.ts';
import type { EpochRecord } from './trainer.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    eval: { type: 'string', multiple: true, default: [] },
    compare: { type: 'string', multiple: true, default: [] },
    // The model this one replaces: its stored evaluations on the same sets are shown beside these.
    previous: { type: 'string' },
  },
});
if (!values.model) {
  console.error(
    'Usage: npm run model-card -- --model DIR --eval evaluation.json [--eval …] [--compare training.json …]',
  );
  process.exit(2);
}
const dir = path.resolve(values.model);
const read = async <T>(file: string) => JSON.parse(await readFile(file, 'utf8')) as T;
const metadata = await read<{
  name: string;
  version: string;
  inputSize: number;
  preprocessing: { id: string };
  operatingPoint?: { threshold: number; targetSensitivity: number; source: string };
}>(path.join(dir, 'metadata.json'));
interface TrainingRecord {
  variant?: string;
  backend: string;
  trainImages: number;
  validationImages: number;
  bestEpoch: number;
  history: EpochRecord[];
  validation: {
    referableAuc: number;
    kappa: number;
    sensitivity: number;
    specificity: number;
    threshold: number;
  };
}
const training = await read<TrainingRecord>(path.join(dir, 'training.json'));
const compare = await Promise.all(values.compare.map((f) => read<TrainingRecord>(f)));
type EvalFile = Evaluation & {
  set: { name: string };
  backend: string;
  date: string;
  model: { name: string; version: string };
};
const evaluations = await Promise.all(values.eval.map((f) => read<EvalFile>(f)));
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
const modelJson = await read<{ weightsManifest: { weights: { shape: number[] }[] }[] }>(
  path.join(dir, 'model.json'),
);
const parameters = modelJson.weightsManifest
  .flatMap((g) => g.weights)
  .reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);

const lines = [
  `# Model card: ${metadata.name} ${metadata.version}`,
  '',
  '**A screening aid, not a diagnosis.** This model flags fundus photographs that may show referable diabetic',
  'retinopathy (ICDR grade ≥ 2) for a clinician to review. It is **not validated for clinical use**: its figures',
  'below fall short of the 0.85 referable-DR AUC target on camera images, and its labels come from single graders.',
  '',
  '## What it is',
  '',
  `- Architecture: MobileNetV2 (${(parameters / 1e6).toFixed(2)} M weights in model.json, batch-norm statistics included; ImageNet-derived weights shipped by the MIT-licensed \`nsfwjs\``,
  '  npm package) up to `out_relu` (7 × 7 × 1280), global average pooling, a dense 5-way softmax head (`dr_head`).',
  '  Blocks 13–16 and `Conv_1` were fine-tuned on fundus photographs; earlier layers are frozen.',
  `- Input: ${metadata.inputSize} × ${metadata.inputSize} RGB after preprocessing \`${metadata.preprocessing.id}\` (fundus circle, canonical`,
  '  square, local-average normalisation; see the README). Same code in the app, the CLI and training.',
  '- Outputs: probabilities of ICDR grades 0–4; referable DR = P(2) + P(3) + P(4); a class activation map of',
  '  referable evidence (head weights of grades 2–4 minus 0–1 over the last feature maps).',
  metadata.operatingPoint
    ? `- Operating point: referable when P ≥ ${f3(metadata.operatingPoint.threshold)}, chosen for ${Math.round(metadata.operatingPoint.targetSensitivity * 100)}% sensitivity on ${metadata.operatingPoint.source}. Sites can change it.`
    : '- Operating point: none stored.',
  '',
  '## Training',
  '',
  `- Data: \`../shared/data/eyepacs-256\` (EyePACS, Kaggle 2015 “Diabetic Retinopathy Detection”, research use) and its`,
  '  202 natural-colour copies in `eyepacs-1024-paired`, split by patient (seeded); camera-like sets were never used.',
  `- ${training.trainImages} training images, ${training.validationImages} internal-validation images (held-out eyepacs-256 patients).`,
  '- Each image cached as three views (as taken, mirrored, random rotation/scale/brightness/contrast); class-weighted',
  '  cross-entropy over 5 grades plus a referable-DR term; Adam; seeded shuffles and dropout; checkpoint each epoch.',
  `- Backend: ${training.backend} (missing convolution gradient kernels written for wasm: model/wasm-gradients.ts).`,
  '',
  '| epoch | train loss | validation loss | validation referable AUC | validation kappa | seconds |',
  '| --- | --- | --- | --- | --- | --- |',
  ...training.history.map(
    (h) =>
      `| ${h.epoch}${h.epoch === training.bestEpoch ? ' (kept)' : ''} | ${f3(h.trainLoss)} | ${f3(h.validationLoss)} | ${f3(h.validationAuc)} | ${f3(h.validationKappa)} | ${Math.round(h.seconds)} |`,
  ),
  '',
];
if (compare.length) {
  lines.push(
    '## Variants compared (internal validation, eyepacs-256 held-out patients)',
    '',
    '| variant | best epoch | referable AUC | kappa | seconds per epoch |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const t of [training, ...compare]) {
    const seconds = t.history.reduce((s, h) => s + h.seconds, 0) / Math.max(1, t.history.length);
    lines.push(
      `| ${t.variant ?? 'fine-tuned'} | ${t.bestEpoch} | ${f3(t.validation.referableAuc)} | ${f3(t.validation.kappa)} | ${Math.round(seconds)} |`,
    );
  }
  lines.push('');
}
lines.push(
  '## Evaluation on camera-like images never trained on',
  '',
  'Reproduce with `npm run evaluate -- --images ../shared/data/<set>/images --labels ../shared/data/<set>/trainLabels.csv`.',
  '',
);
lines.push(
  '| set | images | ungradable | referable (positives) | AUC (95% CI) | sensitivity | specificity | kappa | any-DR accuracy / precision / recall |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const e of evaluations) {
  const r = e.referable;
  lines.push(
    `| ${e.set.name} | ${e.images} | ${e.images - e.gradable} | ${r.positives} | ${f3(r.auc)} (${f3(r.auc95.low)}–${f3(r.auc95.high)}) | ${f3(r.sensitivity)} | ${f3(r.specificity)} | ${f3(e.kappa)} | ${f3(e.anyDr.accuracy)} / ${f3(e.anyDr.precision)} / ${f3(e.anyDr.recall)} |`,
  );
}
lines.push(
  '',
  `Sensitivity and specificity at the stored operating point. Evaluated with backend ${evaluations[0]?.backend ?? 'n/a'} on ${evaluations[0]?.date.slice(0, 10) ?? 'n/a'}.`,
  '',
);
if (values.previous) {
  const previousMeta = await read<{ name: string; version: string }>(
    path.join(values.previous, 'metadata.json'),
  );
  lines.push(
    `### Against the model it replaces (${previousMeta.name} ${previousMeta.version})`,
    '',
    '| set | previous AUC (95% CI) | this AUC (95% CI) | previous sens / spec | this sens / spec |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const e of evaluations) {
    const file = path.join(values.previous, 'evaluation', `${e.set.name}-evaluation.json`);
    const before = await read<EvalFile>(file).catch(() => null);
    if (!before) continue;
    const [p, r] = [before.referable, e.referable];
    lines.push(
      `| ${e.set.name} | ${f3(p.auc)} (${f3(p.auc95.low)}–${f3(p.auc95.high)}) | ${f3(r.auc)} (${f3(r.auc95.low)}–${f3(r.auc95.high)}) | ${f3(p.sensitivity)} / ${f3(p.specificity)} | ${f3(r.sensitivity)} / ${f3(r.specificity)} |`,
    );
  }
  lines.push('');
}
await mkdir(path.join(dir, 'evaluation'), { recursive: true });
for (const [i, e] of evaluations.entries()) {
  const from = path.dirname(values.eval[i]!);
  for (const file of ['roc.svg', 'confusion.svg', 'evaluation.json']) {
    await copyFile(path.join(from, file), path.join(dir, 'evaluation', `${e.set.name}-${file}`));
  }
  lines.push(
    `![ROC ${e.set.name}](evaluation/${e.set.name}-roc.svg) ![Confusion ${e.set.name}](evaluation/${e.set.name}-confusion.svg)`,
    '',
  );
}
lines.push(
  '## Known limits',
  '',
  '- Trained on images that an unknown earlier pipeline cropped, re-coloured and shrank to 256 px; camera photographs',
  '  differ, and the normalisation narrows but does not remove the gap. Expect lower figures on other cameras.',
  '- Evaluation sets are small (tens of referable eyes): the intervals above are wide.',
  '- Labels are one grader per image and noisy; grades 3 and 4 are rare, so the 5-grade output is least reliable there.',
  '- Only colour fundus photographs of adults from EyePACS sites; not for other diseases, children, or red-free images.',
  '- The operating point comes from eyepacs-256 validation images, not camera images: check sensitivity locally.',
  '',
  '## Intended use',
  '',
  'Offline screening support in a clinic, with every result reviewed by a qualified clinician. Ungradable photographs',
  '(quality gate) get no grade. Not for diagnosis, treatment decisions, or use without clinician review.',
  '',
);
await writeFile(path.join(dir, 'MODEL_CARD.md'), lines.join('\n'));
console.log(`wrote ${path.join(dir, 'MODEL_CARD.md')}`);
