// `npm run evaluate -- --images DIR --labels CSV [--model DIR] [--json] [--out DIR] [--workers N]`
// Grades every labelled photograph through the app's own pipeline (quality gate included) and reports the
// screening figures, with the ROC curve and confusion matrix as SVG files.
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
import { progressBar } from '../progress.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    labels: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    workers: { type: 'string' },
    threshold: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || !values.images) {
  console.error('Usage: npm run evaluate -- --images DIR --labels CSV [--model DIR] [--json] [--out DIR]');
  process.exit(values.help ? 0 : 2);
}

const modelDir = values.model ? path.resolve(values.model) : activeModelDir();
const metadata = parseModelMetadata(
  JSON.parse(await readFile(path.join(modelDir, 'metadata.json'), 'utf8')),
  modelDir,
);
const threshold = values.threshold
  ? Number(values.threshold)
  : (metadata.operatingPoint?.threshold ?? DEFAULT_REFERABLE_THRESHOLD);
const images = values.labels
  ? readKaggleLabels(values.labels, values.images).images
  : readGradeFolders(values.images);
if (images.length === 0) {
  console.error(`No labelled images in ${values.images}.`);
  process.exit(2);
}
const setName = path.basename(path.resolve(values.images, values.labels ? '..' : '.'));
const out = path.resolve(
  values.out ?? path.join(projectRoot(), 'test-output', 'evaluation', `${metadata.name}-${setName}`),
);
const pool = await GradingPool.start({
  modelDir,
  size: values.workers ? Number(values.workers) : defaultPoolSize(),
});
const bar = progressBar(`evaluating ${setName}`);
let done = 0;
const failures: string[] = [];
const predictions: Prediction[] = await Promise.all(
  images.map(async (image) => {
    try {
      const graded = await pool.grade(new Uint8Array(await readFile(image.file)));
      return {
        name: image.name,
        level: image.level,
        gradable: graded.quality.gradable,
        probabilities: graded.probabilities,
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
for (const failure of failures) console.error(`could not grade ${failure}`);

const result = evaluatePredictions(predictions, threshold);
const report = {
  date: new Date().toISOString(),
  model: { name: metadata.name, version: metadata.version, dir: path.relative(projectRoot(), modelDir) },
  backend: pool.backend,
  set: { name: setName, images: values.images, labels: values.labels ?? null },
  ...result,
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
  console.log(`${metadata.name} ${metadata.version} on ${setName} (${pool.backend})`);
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
  console.log(`wrote ${path.relative(process.cwd(), out)}/{evaluation.json,roc.svg,confusion.svg}`);
}
