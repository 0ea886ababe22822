import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../training/fine-tune/export-model.ts';
import { initBackend } from './backend.ts';
import { createGrader, type Grader } from './grader.ts';
import { renderHeatmapPng } from './heatmap.ts';
import { loadModel, type DrModel } from './load-model.ts';
import { projectRoot } from './model-paths.ts';
import { original } from '../testing/test-images.ts';

// A small model shaped like the real one: image → [probabilities, 7×7 feature maps], head named dr_head.
function tinyCamModel(): tf.LayersModel {
  const input = tf.input({ shape: [224, 224, 3] });
  const conv = tf.layers
    .conv2d({
      filters: 6,
      kernelSize: 3,
      strides: 4,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    })
    .apply(input) as tf.SymbolicTensor;
  const features = tf.layers.averagePooling2d({ poolSize: 8, strides: 8 }).apply(conv) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(features) as tf.SymbolicTensor;
  const head = tf.layers
    .dense({
      units: 5,
      activation: 'softmax',
      name: 'dr_head',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
    })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [head, features] });
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-cam-'));
let model: DrModel;
let grader: Grader;

beforeAll(async () => {
  await initBackend();
  await exportModel(tinyCamModel(), dir, {
    name: 'cam-test',
    version: '0',
    description: 'test',
    operatingPoint: { threshold: 0.3, targetSensitivity: 0.9, source: 'test' },
    validation: {},
  });
  model = await loadModel(dir);
  grader = await createGrader(dir);
});
afterAll(() => {
  model.dispose();
  grader.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('class activation heatmap', () => {
  it('comes with the probabilities, one value per feature-map cell, scaled to [0, 1]', async () => {
    const pixels = Float32Array.from({ length: 224 * 224 * 3 }, (_, i) => ((i * 7919) % 1000) / 1000);
    const { probabilities, heatmap } = await model.predict(pixels, { heatmap: true });
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(heatmap?.size).toBe(7);
    expect(heatmap?.values).toHaveLength(49);
    expect(Math.max(...heatmap!.values)).toBeLessThanOrEqual(1);
    expect(Math.min(...heatmap!.values)).toBeGreaterThanOrEqual(0);
  });

  it('leaks no tensors over 50 predictions with heatmaps', async () => {
    const pixels = new Float32Array(224 * 224 * 3).fill(0.5);
    await model.predict(pixels, { heatmap: true });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) await model.predict(pixels, { heatmap: i % 2 === 0 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('renders the map where it is: hotter to the right, the same down each column, clear outside', async () => {
    const values = Float32Array.from({ length: 49 }, (_, i) => (i % 7) / 6);
    const png = await renderHeatmapPng({ size: 7, values }, 224);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    const alpha = (x: number, y: number) => data[(y * 224 + x) * 4 + 3]!;
    for (const x of [130, 160, 190]) {
      for (const y of [80, 81, 112, 140])
        expect(Math.abs(alpha(x, y) - alpha(x, 112))).toBeLessThanOrEqual(2);
    }
    expect(alpha(190, 112)).toBeGreaterThan(alpha(130, 112));
    expect(alpha(40, 112)).toBe(0);
    expect(alpha(2, 2)).toBe(0);
  });

  it('is rendered as a PNG over the model input, and the operating point travels with the result', async () => {
    const graded = await grader.grade(original('16_left.jpeg'));
    expect(graded.referableThreshold).toBe(0.3);
    const png = await sharp(graded.heatmapPng!).metadata();
    expect(png).toMatchObject({ width: 224, height: 224, channels: 4, format: 'png' });
  });
});

describe('a model without a heatmap output', () => {
  it('grades without one (the untrained placeholder model)', async () => {
    const placeholder = await createGrader(path.join(projectRoot(), 'resources', 'models', 'placeholder'));
    try {
      const graded = await placeholder.grade(original('16_left.jpeg'));
      expect(graded.probabilities).toHaveLength(5);
      expect(graded.heatmapPng).toBeNull();
      expect(graded.model.validated).toBe(false);
    } finally {
      placeholder.dispose();
    }
  });
});

describe('heatmap picture', () => {
  it('colours only where the evidence concentrates (the hottest tenth), not the whole fundus', async () => {
    // A broad gradient: evidence spread everywhere, strongest at one side.
    const values = Float32Array.from({ length: 49 }, (_, i) => 0.4 + 0.6 * ((i % 7) / 6));
    const png = await renderHeatmapPng({ size: 7, values }, 64);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    let shown = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) shown++;
    const fundus = Math.PI * (32 * 0.95) ** 2;
    expect(shown).toBeGreaterThan(0);
    expect(shown / fundus).toBeLessThan(0.15);
    // A flat map shows nothing: no place stands out.
    const flat = await renderHeatmapPng({ size: 7, values: new Float32Array(49).fill(0.7) }, 64);
    const { data: none } = await sharp(flat).raw().toBuffer({ resolveWithObject: true });
    expect(none.some((v, i) => i % 4 === 3 && v > 0)).toBe(false);
  });
});
