import * as tf from '@tensorflow/tfjs';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { loadModel, type DrModel } from './load-model.ts';
import { activeModelDir } from './model-paths.ts';

/** Runs `body` on a copy of the active model folder whose metadata `edit` changed; the copy is removed after. */
async function withEditedModel(
  edit: (metadata: Record<string, unknown>) => void,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-model-'));
  try {
    cpSync(activeModelDir(), dir, { recursive: true });
    const metadata = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    edit(metadata);
    writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(metadata));
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let model: DrModel;
beforeAll(async () => {
  await initBackend();
  model = await loadModel(activeModelDir());
});
afterAll(() => model.dispose());

describe('loadModel', () => {
  it('runs on a real tfjs backend and says which', async () => {
    expect(['tensorflow', 'wasm', 'cpu']).toContain(await initBackend());
  });

  it('returns five grade probabilities that sum to one', async () => {
    const size = model.metadata.inputSize;
    const { probabilities, heatmap } = await model.predict(new Float32Array(size * size * 3).fill(0.3));
    expect(heatmap).toBeNull();
    expect(probabilities).toHaveLength(5);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('leaks no tensors over 50 predictions', async () => {
    const size = model.metadata.inputSize;
    const input = new Float32Array(size * size * 3).fill(0.5);
    await model.predict(input);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) await model.predict(input);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses input of the wrong size', async () => {
    await expect(model.predict(new Float32Array(10))).rejects.toThrow(/Expected/);
  });

  it('refuses a model whose preprocessing this code does not know', async () => {
    await withEditedModel(
      (metadata) => (metadata.preprocessing = { id: 'from-the-future-v9', params: {} }),
      async (dir) => expect(loadModel(dir)).rejects.toThrow(/from-the-future-v9/),
    );
  });
});

describe('mirror test-time averaging', () => {
  it('averages the probabilities of the image and its mirror image, and keeps the heatmap in place', async () => {
    // Two copies of the active model, whatever it ships with: one without averaging, one with.
    let plain: DrModel | null = null;
    await withEditedModel(
      (metadata) => (metadata.testTimeAugmentation = 'none'),
      async (dir) => void (plain = await loadModel(dir)),
    );
    await withEditedModel(
      (metadata) => (metadata.testTimeAugmentation = 'mirror'),
      async (dir) => {
        const averaged = await loadModel(dir);
        const model = plain!;
        try {
          const size = model.metadata.inputSize;
          // A left–right ramp with a bright spot on the left: not symmetric, so the mirror image differs.
          const image = new Float32Array(size * size * 3);
          const mirror = new Float32Array(size * size * 3);
          for (let y = 0; y < size; y++)
            for (let x = 0; x < size; x++)
              for (let c = 0; c < 3; c++) {
                const spot = (x - size / 4) ** 2 + (y - size / 2) ** 2 < (size / 10) ** 2 ? 0.4 : 0;
                const v = 0.3 + (0.3 * x) / size + spot;
                image[(y * size + x) * 3 + c] = v;
                mirror[(y * size + (size - 1 - x)) * 3 + c] = v;
              }
          const a = (await model.predict(image)).probabilities;
          const b = (await model.predict(mirror)).probabilities;
          const both = await averaged.predict(image, { heatmap: true });
          both.probabilities.forEach((p, i) => expect(p).toBeCloseTo((a[i]! + b[i]!) / 2, 5));
          expect(a.some((p, i) => Math.abs(p - b[i]!) > 1e-4)).toBe(true);
          const single = (await model.predict(image, { heatmap: true })).heatmap!;
          expect(both.heatmap!.size).toBe(single.size);
          expect(Math.max(...both.heatmap!.values)).toBeCloseTo(1, 5);
          const before = tf.memory().numTensors;
          await averaged.predict(image, { heatmap: true });
          expect(tf.memory().numTensors).toBe(before);
        } finally {
          averaged.dispose();
          model.dispose();
        }
      },
    );
  });
});

describe('model metadata', () => {
  it('refuses a model made with other preprocessing parameters', async () => {
    await withEditedModel(
      (metadata) =>
        ((metadata.preprocessing as { params: Record<string, unknown> }).params.sigmaFraction = 0.1),
      async (dir) => expect(loadModel(dir)).rejects.toThrow(/sigmaFraction/),
    );
  });
});
