// `npm run base-model:prepare -- [--out DIR] [--size N] [--looks N] [--workers N] [--limit N]`
// Maintainer's tool, step 1 of training the base model (training/base-model/README.md): preprocesses the
// EyePACS training photographs with the app's own code (model/preprocess/preprocess.ts) into the arrays the PyTorch
// trainer reads, and writes the starting network (nsfwjs MobileNetV2 + a new head) as a tfjs layers model.
// The split is the one `npm run train` makes (same seed and fraction, paired patients on the training side),
// so internal-validation figures compare with the models trained before.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile, open } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, sharedDataDir } from '../../model/inference/model-paths.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import { buildHead, buildInferenceModel, featureChannels, loadMobileNetV2 } from '../fine-tune/backbone.ts';
import { readKaggleLabels, type LabelledImage } from '../data/dataset.ts';
import { formatSeconds, progressBar } from '../progress.ts';
import { saveLayersModel } from '../fine-tune/save-layers-model.ts';
import { seedOf } from '../data/views.ts';
import { BASE_DATA, baseSplit } from './base-split.ts';
import { applyCameraLook, randomCameraLook } from './camera-look.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(projectRoot(), 'training-output', 'base-data') },
    size: { type: 'string', default: '256' },
    looks: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    seed: { type: 'string', default: '2017' },
    validation: { type: 'string', default: '0.1' },
    limit: { type: 'string' },
    // Also the camera-look sets the fold trainer (train_camera_folds.py) trains and judges on by patient folds,
    // and srahim-dev, which it only judges on (never trains the DR grade).
    camera: { type: 'boolean', default: false },
    images: { type: 'string', default: BASE_DATA.images },
    labels: { type: 'string', default: BASE_DATA.labels },
    'also-images': { type: 'string', default: BASE_DATA.alsoImages },
    'also-labels': { type: 'string', default: BASE_DATA.alsoLabels },
    // Internal: a child process that preprocesses one share of the jobs.
    shard: { type: 'string' },
  },
});

/** One array the trainer reads: `count` images of size × size × 3 bytes (the app's floats × 255, rounded). */
interface Job {
  /** camera: camera-look photographs split into patient folds by the fold trainer; external: judged only. */
  set: 'train' | 'validation' | 'camera' | 'external';
  /** 0 = as taken; 1… = camera-look variants. */
  look: number;
  image: LabelledImage;
  /** Which look of the photograph: eyepacs-256 or the natural-colour 1024-px copy. */
  source: 'eyepacs-256' | 'eyepacs-1024-paired' | (typeof CAMERA_SETS)[number] | 'srahim-dev';
}

const CAMERA_SETS = ['eyepacs-1024-dev', 'eyepacs-originals'] as const;

function sharedSet(name: string): LabelledImage[] {
  const dir = path.join(sharedDataDir(), name);
  return readKaggleLabels(path.join(dir, 'trainLabels.csv'), path.join(dir, 'images')).images;
}

export interface PreparedEntry {
  name: string;
  patient: string;
  level: number;
  source: Job['source'];
  look: number;
}

const size = Number(values.size);
const outDir = values.out;

function jobs(): Job[] {
  const split = baseSplit({
    images: values.images,
    labels: values.labels,
    alsoImages: values['also-images'],
    alsoLabels: values['also-labels'],
    seed: Number(values.seed),
    validationFraction: Number(values.validation),
    limit: values.limit === undefined ? undefined : Number(values.limit),
  });
  const extra = split.extra;
  const looks = Number(values.looks);
  const list: Job[] = [];
  for (const image of split.validation)
    list.push({ set: 'validation', look: 0, image, source: 'eyepacs-256' });
  for (const [source, images] of [
    ['eyepacs-256', split.train],
    ['eyepacs-1024-paired', extra],
  ] as const) {
    for (const image of images)
      for (let look = 0; look <= looks; look++) list.push({ set: 'train', look, image, source });
  }
  if (values.camera) {
    for (const source of CAMERA_SETS)
      for (const image of sharedSet(source)) list.push({ set: 'camera', look: 0, image, source });
    for (const image of sharedSet('srahim-dev'))
      list.push({ set: 'external', look: 0, image, source: 'srahim-dev' });
  }
  return list;
}

async function runShard(index: number, count: number): Promise<void> {
  const mine = jobs().filter((_, i) => i % count === index);
  const data = await open(path.join(outDir, `part-${index}.u8`), 'w');
  const entries: (PreparedEntry & { set: Job['set']; error?: string })[] = [];
  const bar = progressBar(`shard ${index}`);
  let offset = 0;
  for (const [i, job] of mine.entries()) {
    const base: PreparedEntry = pick(job);
    try {
      let bytes: Uint8Array = new Uint8Array(await readFile(job.image.file));
      if (job.look > 0)
        bytes = await applyCameraLook(bytes, randomCameraLook(seedOf(`${job.image.file}#${job.look}`)));
      const pre = await preprocess(bytes, size);
      const u8 = new Uint8Array(pre.pixels.length);
      for (let p = 0; p < u8.length; p++) u8[p] = Math.round(pre.pixels[p]! * 255);
      await data.write(u8, 0, u8.length, offset);
      offset += u8.length;
      entries.push({ ...base, set: job.set });
    } catch (error) {
      entries.push({ ...base, set: job.set, error: String(error) });
    }
    if (i % 50 === 0 || i === mine.length - 1) bar(i + 1, mine.length);
  }
  await data.close();
  await writeFile(path.join(outDir, `part-${index}.json`), JSON.stringify(entries));
}

function pick(job: Job): PreparedEntry {
  return {
    name: job.image.name,
    patient: job.image.patient,
    level: job.image.level,
    source: job.source,
    look: job.look,
  };
}

if (values.shard !== undefined) {
  const [index, count] = values.shard.split('/').map(Number);
  await runShard(index!, count!);
} else {
  await mkdir(outDir, { recursive: true });
  const start = performance.now();
  const workers = Math.max(1, Number(values.workers));
  const argv = process.argv.slice(2);
  await Promise.all(
    Array.from(
      { length: workers },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [...process.execArgv, process.argv[1]!, ...argv, '--shard', `${i}/${workers}`],
            {
              stdio: ['ignore', 'inherit', 'inherit'],
            },
          );
          child.on('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`shard ${i} exited with ${code}`)),
          );
        }),
    ),
  );
  // The starting network for the PyTorch trainer, written by tfjs so its topology is exactly what the app loads.
  const backbone = await loadMobileNetV2();
  const head = buildHead(featureChannels(backbone), Number(values.seed));
  await saveLayersModel(buildInferenceModel(backbone, head, size), path.join(outDir, 'init'));
  await writeFile(
    path.join(outDir, 'manifest.json'),
    `${JSON.stringify({ size, looks: Number(values.looks), seed: Number(values.seed), parts: workers, camera: values.camera }, null, 2)}\n`,
  );
  console.error(`prepared in ${formatSeconds((performance.now() - start) / 1000)} → ${outDir}`);
}
