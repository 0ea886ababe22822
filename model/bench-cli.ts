// `npm run bench -- [--images DIR] [--model DIR] [--repeat N] [--json FILE]`
// Times each stage of grading on real camera photographs, then the throughput of one worker per core.
// Timings live here, never in tests.
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createGrader } from './grader.ts';
import { listImageFiles } from './list-images.ts';
import { activeModelDir, projectRoot } from './model-paths.ts';
import { median, percentile } from './stats.ts';
import { GradingPool, defaultPoolSize } from './worker/grading-pool.ts';

const { values } = parseArgs({
  options: {
    images: {
      type: 'string',
      default: path.join(projectRoot(), '..', 'shared', 'data', 'eyepacs-originals', 'images'),
    },
    model: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});

const modelDir = values.model ? path.resolve(values.model) : activeModelDir();
const { files } = await listImageFiles([values.images]);
if (files.length === 0) {
  console.error(`No images in ${values.images}.`);
  process.exit(2);
}
const photos = await Promise.all(files.map(async (f) => new Uint8Array(await readFile(f))));
const repeat = Math.max(1, Number(values.repeat) || 1);

// Stage timings: one grader on this thread, one image at a time, after one warm-up pass.
const grader = await createGrader(modelDir);
for (const bytes of photos.slice(0, 2)) await grader.grade(bytes);
const stages = {
  decode: [] as number[],
  preprocess: [] as number[],
  inference: [] as number[],
  total: [] as number[],
};
for (let r = 0; r < repeat; r++) {
  for (const bytes of photos) {
    const { timings } = await grader.grade(bytes);
    stages.decode.push(timings.decodeMs);
    stages.preprocess.push(timings.preprocessMs);
    stages.inference.push(timings.inferenceMs);
    stages.total.push(timings.totalMs);
  }
}
grader.dispose();

// Throughput: one worker per core, all photographs in flight.
const workers = defaultPoolSize();
const pool = await GradingPool.start({ modelDir, size: workers });
await Promise.all(photos.slice(0, workers).map((b) => pool.grade(b)));
const t0 = performance.now();
for (let r = 0; r < repeat; r++) await Promise.all(photos.map((b) => pool.grade(b)));
const seconds = (performance.now() - t0) / 1000;
await pool.close();

const summary = (xs: number[]) => ({
  medianMs: Math.round(median(xs) * 10) / 10,
  p95Ms: Math.round(percentile(xs, 0.95) * 10) / 10,
});
const report = {
  date: new Date().toISOString(),
  images: files.length,
  folder: values.images,
  repeat,
  model: `${grader.model.name} ${grader.model.version}`,
  backend: grader.backend,
  cpus: os.cpus().length,
  singleThread: {
    decode: summary(stages.decode),
    preprocess: summary(stages.preprocess),
    inference: summary(stages.inference),
    total: summary(stages.total),
    imagesPerSecond: Math.round((1000 / median(stages.total)) * 10) / 10,
  },
  pool: { workers, imagesPerSecond: Math.round(((photos.length * repeat) / seconds) * 10) / 10 },
};

console.log(
  `EyeNet bench · ${report.model} · backend ${report.backend} · ${files.length} images × ${repeat}`,
);
console.log('stage        median ms    p95 ms');
for (const [name, s] of Object.entries(report.singleThread).filter(([k]) => k !== 'imagesPerSecond')) {
  const { medianMs, p95Ms } = s as { medianMs: number; p95Ms: number };
  console.log(`${name.padEnd(12)} ${String(medianMs).padStart(9)} ${String(p95Ms).padStart(9)}`);
}
console.log(
  `one thread: ${report.singleThread.imagesPerSecond} images/s · ${workers} workers: ${report.pool.imagesPerSecond} images/s`,
);
console.log(JSON.stringify(report));
if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
