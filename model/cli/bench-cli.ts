// `npm run bench -- [--images DIR] [--dev DIR] [--model DIR] [--repeat N] [--json FILE] [--report FILE]`
// Times each stage of grading on real photographs (libvips on one thread), the throughput of one worker per
// core, and measures how alike normalisation makes camera photographs and eyepacs-256 training images.
// Timings live here, never in tests.
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createGrader } from '../inference/grader.ts';
import { listImageFiles } from '../image/list-images.ts';
import { activeModelDir, sharedDataDir } from '../inference/model-paths.ts';
import { normalisationStats, type ChannelStats } from '../preprocess/normalisation-stats.ts';
import { PREPROCESSING_ID, preprocess } from '../preprocess/preprocess.ts';
import { renderPhotoView, type PhotoView } from '../image/views.ts';
import { median, percentile } from './stats.ts';
import { GradingPool, defaultPoolSize } from '../worker/grading-pool.ts';

const data = sharedDataDir();
const { values } = parseArgs({
  options: {
    images: { type: 'string', default: path.join(data, 'eyepacs-originals', 'images') },
    dev: { type: 'string', default: path.join(data, 'eyepacs-1024-dev', 'images') },
    train: { type: 'string', default: path.join(data, 'eyepacs-256', 'images') },
    model: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    sample: { type: 'string', default: '100' },
    json: { type: 'string' },
    report: { type: 'string' },
  },
});

const modelDir = values.model ? path.resolve(values.model) : activeModelDir();
const repeat = Math.max(1, Number(values.repeat) || 1);
const sample = Math.max(1, Number(values.sample) || 100);
const read = async (files: string[]) =>
  Promise.all(files.map(async (f) => new Uint8Array(await readFile(f))));
const originals = (await listImageFiles([values.images])).files;
const devFiles = (await listImageFiles([values.dev])).files.slice(0, sample);
const trainFiles = (await listImageFiles([values.train])).files.slice(0, sample);
if (originals.length === 0) {
  console.error(`No images in ${values.images}.`);
  process.exit(2);
}
const originalBytes = await read(originals);
const devBytes = await read(devFiles);
const round = (v: number) => Math.round(v * 10) / 10;
const summary = (xs: number[]) => ({
  medianMs: round(median(xs)),
  p95Ms: round(percentile(xs, 0.95)),
  n: xs.length,
});

// 1. Stage timings on one thread (one libvips thread too), after a warm-up pass; heatmaps timed separately.
sharp.concurrency(1);
const grader = await createGrader(modelDir, { heatmap: false });
for (const bytes of originalBytes.slice(0, 2)) await grader.grade(bytes);
const stages = {
  decode: [] as number[],
  preprocess: [] as number[],
  inference: [] as number[],
  total: [] as number[],
};
const bySize = new Map<string, number[]>();
for (let r = 0; r < repeat; r++) {
  for (const bytes of originalBytes) {
    const graded = await grader.grade(bytes);
    const { timings } = graded;
    stages.decode.push(timings.decodeMs);
    stages.preprocess.push(timings.preprocessMs);
    stages.inference.push(timings.inferenceMs);
    stages.total.push(timings.totalMs);
    const key = `${graded.width}×${graded.height}`;
    bySize.set(key, [...(bySize.get(key) ?? []), timings.decodeMs + timings.preprocessMs]);
  }
}
const devPre: number[] = [];
for (const bytes of devBytes) {
  const { timings } = await grader.grade(bytes);
  devPre.push(timings.decodeMs + timings.preprocessMs);
}
grader.dispose();
const withHeatmap = await createGrader(modelDir, { heatmap: true });
const heatmapTotals: number[] = [];
const heatmapOnly: number[] = [];
await withHeatmap.grade(originalBytes[0]!);
for (const bytes of originalBytes) {
  const { timings } = await withHeatmap.grade(bytes);
  heatmapTotals.push(timings.inferenceMs + timings.heatmapMs);
  heatmapOnly.push(timings.heatmapMs);
}
withHeatmap.dispose();
sharp.concurrency(0);

// 2. Throughput: one worker per core, all photographs in flight.
const workers = defaultPoolSize();
const pool = await GradingPool.start({ modelDir, size: workers });
await Promise.all(originalBytes.slice(0, workers).map((b) => pool.grade(b)));
const t0 = performance.now();
for (let r = 0; r < repeat; r++) await Promise.all(originalBytes.map((b) => pool.grade(b)));
const seconds = (performance.now() - t0) / 1000;
await pool.close();

// 3. Normalisation: the same statistics on camera photographs and on training images, before and after.
async function meanStats(files: string[]) {
  const acc = { before: [] as ChannelStats[], after: [] as ChannelStats[] };
  for (const file of files) {
    const stats = await normalisationStats(await preprocess(new Uint8Array(await readFile(file)), 224));
    acc.before.push(stats.before);
    acc.after.push(stats.after);
  }
  const average = (list: ChannelStats[]) => {
    const pick = (key: keyof ChannelStats) =>
      [0, 1, 2].map((c) => list.reduce((s, x) => s + x[key][c]!, 0) / list.length);
    return { mean: pick('mean'), spread: pick('spread'), fineShare: pick('fineShare') };
  };
  return { before: average(acc.before), after: average(acc.after) };
}
const normalisation = {
  preprocessing: PREPROCESSING_ID,
  images: { camera: devFiles.length, training: trainFiles.length },
  camera: await meanStats(devFiles),
  training: await meanStats(trainFiles),
};

// 4. The image viewer's pictures (made on demand in the main process, cached afterwards): the first five
// originals, each view once.
const viewTimes: Record<PhotoView, number[]> = { full: [], redfree: [], enhanced: [], brightened: [] };
for (const bytes of originalBytes.slice(0, 5))
  for (const view of Object.keys(viewTimes) as PhotoView[]) {
    const t = performance.now();
    await renderPhotoView(bytes, view);
    viewTimes[view].push(performance.now() - t);
  }

const report = {
  date: new Date().toISOString(),
  model: `${grader.model.name} ${grader.model.version}`,
  backend: grader.backend,
  cpus: os.cpus().length,
  repeat,
  singleThread: {
    decode: summary(stages.decode),
    preprocess: summary(stages.preprocess),
    inference: summary(stages.inference),
    total: summary(stages.total),
    imagesPerSecond: round(1000 / median(stages.total)),
  },
  heatmap: {
    available: heatmapOnly.some((v) => v > 0),
    inferenceWithHeatmap: summary(heatmapTotals),
    renderOnly: summary(heatmapOnly),
  },
  decodeAndPreprocessBySize: {
    ...Object.fromEntries([...bySize].map(([k, xs]) => [k, summary(xs)])),
    'eyepacs-1024-dev': summary(devPre),
  },
  pool: { workers, imagesPerSecond: round((originalBytes.length * repeat) / seconds) },
  viewer: Object.fromEntries(Object.entries(viewTimes).map(([k, xs]) => [k, summary(xs)])),
  normalisation,
};

const f3 = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(' / ');
const table = [
  `EyeNet bench · ${report.model} · backend ${report.backend} · ${originals.length} originals × ${repeat}`,
  '',
  '| stage (one thread) | median ms | p95 ms |',
  '| --- | --- | --- |',
  ...Object.entries(report.singleThread)
    .filter(([k]) => k !== 'imagesPerSecond')
    .map(
      ([k, s]) => `| ${k} | ${(s as { medianMs: number }).medianMs} | ${(s as { p95Ms: number }).p95Ms} |`,
    ),
  '',
  '| decode + preprocess by photograph size | median ms | p95 ms | n |',
  '| --- | --- | --- | --- |',
  ...Object.entries(report.decodeAndPreprocessBySize).map(
    ([k, s]) => `| ${k} | ${s.medianMs} | ${s.p95Ms} | ${s.n} |`,
  ),
  `| inference + heatmap | ${report.heatmap.inferenceWithHeatmap.medianMs} | ${report.heatmap.inferenceWithHeatmap.p95Ms} |`,
  '',
  `one thread: ${report.singleThread.imagesPerSecond} images/s · ${workers} workers: ${report.pool.imagesPerSecond} images/s`,
  '',
  '| viewer picture (first 5 originals) | median ms | p95 ms |',
  '| --- | --- | --- |',
  ...Object.entries(report.viewer).map(([k, s]) => `| ${k} | ${s.medianMs} | ${s.p95Ms} |`),
  '',
  `Normalisation (${PREPROCESSING_ID}): per-channel R / G / B statistics inside the fundus mask, averaged over`,
  `${devFiles.length} eyepacs-1024-dev (camera) and ${trainFiles.length} eyepacs-256 (training) images.`,
  '',
  '| statistic | camera before | training before | camera after | training after |',
  '| --- | --- | --- | --- | --- |',
  ...(['mean', 'spread', 'fineShare'] as const).map(
    (k) =>
      `| ${k} | ${f3(normalisation.camera.before[k])} | ${f3(normalisation.training.before[k])} | ${f3(normalisation.camera.after[k])} | ${f3(normalisation.training.after[k])} |`,
  ),
  '',
];
console.log(table.join('\n'));
console.log(JSON.stringify(report));
if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
if (values.report) {
  await writeFile(
    values.report,
    [
      '# Preprocessing: speed and normalisation',
      '',
      `Written by \`npm run bench -- --report ${values.report}\` on ${report.date.slice(0, 10)} (${report.cpus} cores).`,
      'mean and spread are set by normalisation by design (0.5 and about 0.125); fineShare (the share of each',
      "channel's detail below σ = 1.5 px) is not, and shows how alike the texture of both sources becomes.",
      '',
      ...table.slice(2),
    ].join('\n'),
  );
}
