// Worker thread: preprocesses photographs exactly as the app does and runs the frozen stem on each view.
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../model/inference/backend.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import { INPUT_SIZE, buildStem, loadMobileNetV2 } from '../fine-tune/backbone.ts';
import { views } from './views.ts';

export interface CacheJob {
  files: string[];
  /** Index of files[0] in the whole list. */
  offset: number;
}

export type CacheMessage =
  | { type: 'item'; index: number; activations: Float32Array; error: null }
  | { type: 'item'; index: number; activations: null; error: string }
  | { type: 'done' };

const port = parentPort!;
const job = workerData as CacheJob;
await initBackend();
const stem = buildStem(await loadMobileNetV2());
for (const [i, file] of job.files.entries()) {
  try {
    const pre = await preprocess(new Uint8Array(await readFile(file)), INPUT_SIZE);
    const imageViews = views(pre.pixels, INPUT_SIZE, path.basename(file));
    const activations = tf.tidy(() => {
      const batch = tf.stack(imageViews.map((v) => tf.tensor3d(v, [INPUT_SIZE, INPUT_SIZE, 3])));
      return (stem.predict(batch) as tf.Tensor).dataSync() as Float32Array;
    });
    const message: CacheMessage = { type: 'item', index: job.offset + i, activations, error: null };
    port.postMessage(message, [activations.buffer as ArrayBuffer]);
  } catch (error) {
    const message: CacheMessage = {
      type: 'item',
      index: job.offset + i,
      activations: null,
      error: String(error),
    };
    port.postMessage(message);
  }
}
port.postMessage({ type: 'done' } satisfies CacheMessage);
