import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PIPELINE_PARAMS, PREPROCESSING_ID } from '../../model/preprocess/preprocess.ts';
import { CUT_LAYER, INPUT_SIZE } from '../fine-tune/backbone.ts';
import type { CacheJob, CacheMessage } from './cache-worker.ts';
import type { LabelledImage } from './dataset.ts';
import { VIEW_NAMES } from './views.ts';

/** Stem activations of every view of every image of a set, in one float32 file, with an index beside it. */
export interface FeatureSet {
  images: LabelledImage[];
  /** [images × views × activationSize] */
  data: Float32Array;
  views: number;
  activationSize: number;
  /** Images whose file could not be read or decoded (left out of `images`). */
  failed: { name: string; error: string }[];
}

/** The cache key: everything that changes the activations. */
function cacheKey(images: readonly LabelledImage[], fileSizes: number[]): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ PREPROCESSING_ID, PIPELINE_PARAMS, CUT_LAYER, INPUT_SIZE, VIEW_NAMES, v: 1 }));
  images.forEach((image, i) => hash.update(`${image.file}:${fileSizes[i]}\n`));
  return hash.digest('hex').slice(0, 16);
}

function startWorker(job: CacheJob): Worker {
  return new Worker(new URL('../../model/worker/ts-worker-bootstrap.mjs', import.meta.url), {
    workerData: { ...job, tsEntry: pathToFileURL(path.join(import.meta.dirname, 'cache-worker.ts')).href },
  });
}

/**
 * Returns the stem activations of `images`, computing what is not cached yet with `workers` threads.
 * Written to a temporary file and renamed, so an interrupted run leaves no half cache behind.
 */
export async function loadFeatures(
  name: string,
  images: readonly LabelledImage[],
  {
    cacheDir,
    workers,
    onProgress,
  }: { cacheDir: string; workers: number; onProgress?: (done: number, total: number) => void },
): Promise<FeatureSet> {
  const sizes = await Promise.all(images.map(async (i) => (await stat(i.file)).size));
  const key = cacheKey(images, sizes);
  const dataFile = path.join(cacheDir, `${name}-${key}.f32`);
  const indexFile = path.join(cacheDir, `${name}-${key}.json`);
  if (existsSync(dataFile) && existsSync(indexFile)) {
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as {
      ok: number[];
      failed: FeatureSet['failed'];
      activationSize: number;
    };
    const buffer = await readFile(dataFile);
    return {
      images: index.ok.map((i) => images[i]!),
      data: new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4),
      views: VIEW_NAMES.length,
      activationSize: index.activationSize,
      failed: index.failed,
    };
  }
  await mkdir(cacheDir, { recursive: true });
  const results: (Float32Array | null)[] = new Array(images.length).fill(null);
  const failed: FeatureSet['failed'] = [];
  let done = 0;
  const shard = Math.ceil(images.length / workers);
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const slice = images.slice(w * shard, (w + 1) * shard);
      if (slice.length === 0) return Promise.resolve();
      const worker = startWorker({ files: slice.map((i) => i.file), offset: w * shard });
      return new Promise<void>((resolve, reject) => {
        worker.on('message', (message: CacheMessage) => {
          if (message.type === 'done') {
            void worker.terminate();
            resolve();
            return;
          }
          if (message.activations) results[message.index] = message.activations;
          else failed.push({ name: images[message.index]!.name, error: message.error });
          onProgress?.(++done, images.length);
        });
        worker.on('error', reject);
        // Only a worker that reported `done` finished its shard; any other exit lost images, so the run stops.
        worker.on('exit', (code) =>
          reject(new Error(`A feature-cache worker stopped early (exit code ${code}).`)),
        );
      });
    }),
  );
  const ok = results.flatMap((r, i) => (r ? [i] : []));
  const perImage = results.find((r) => r)?.length ?? 0;
  const data = new Float32Array(ok.length * perImage);
  ok.forEach((i, k) => data.set(results[i]!, k * perImage));
  const temp = `${dataFile}.tmp`;
  const handle = await open(temp, 'w');
  await handle.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  await handle.close();
  await rename(temp, dataFile);
  const activationSize = perImage / VIEW_NAMES.length;
  await writeFile(indexFile, JSON.stringify({ ok, failed, activationSize }));
  return { images: ok.map((i) => images[i]!), data, views: VIEW_NAMES.length, activationSize, failed };
}
