import * as tf from '@tensorflow/tfjs';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { loadModel, type DrModel } from './load-model.ts';
import { activeModelDir } from './model-paths.ts';

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

  it('returns five grade probabilities that sum to one', () => {
    const size = model.metadata.inputSize;
    const { probabilities, heatmap } = model.predict(new Float32Array(size * size * 3).fill(0.3));
    expect(heatmap).toBeNull();
    expect(probabilities).toHaveLength(5);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('leaks no tensors over 50 predictions', () => {
    const size = model.metadata.inputSize;
    const input = new Float32Array(size * size * 3).fill(0.5);
    model.predict(input);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) model.predict(input);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses input of the wrong size', () => {
    expect(() => model.predict(new Float32Array(10))).toThrow(/Expected/);
  });

  it('refuses a model whose preprocessing this code does not know', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-model-'));
    try {
      cpSync(activeModelDir(), dir, { recursive: true });
      const metadata = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      metadata.preprocessing = { id: 'from-the-future-v9', params: {} };
      writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(metadata));
      await expect(loadModel(dir)).rejects.toThrow(/from-the-future-v9/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('model metadata', () => {
  it('refuses a model made with other preprocessing parameters', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-model-'));
    try {
      cpSync(activeModelDir(), dir, { recursive: true });
      const metadata = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as {
        preprocessing: { params: Record<string, unknown> };
      };
      metadata.preprocessing.params.sigmaFraction = 0.1;
      writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(metadata));
      await expect(loadModel(dir)).rejects.toThrow(/sigmaFraction/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
