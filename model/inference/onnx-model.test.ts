import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../preprocess/preprocess.ts';
import { maxDifference } from '../testing/compare.ts';
import { ORIGINALS_DIR, original } from '../testing/test-images.ts';
import { initBackend } from './backend.ts';
import { loadDrModel } from './engine.ts';
import { foldBatchNorm } from './fold-batchnorm.ts';
import { loadModel } from './load-model.ts';
import { readModelArtifacts } from './model-artifacts.ts';
import { projectRoot } from './model-paths.ts';
import type { OnnxCheck } from './onnx-check.ts';
import { ONNX_BACKEND, ONNX_CHECK_FILE, ONNX_FILE, loadOnnxModel } from './onnx-model.ts';

const MODELS = path.join(projectRoot(), 'resources', 'models');
/** Every bundled screening model ships its ONNX backbone (the placeholder, a test stand-in, has none). */
const BUNDLED = readdirSync(MODELS).filter((name) => name.startsWith('eyenet-'));
const work = mkdtempSync(path.join(os.tmpdir(), 'eyenet-onnx-'));
const photographs = readdirSync(ORIGINALS_DIR).sort().slice(0, 3);

beforeAll(async () => {
  await initBackend(['wasm']);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of a bundled model folder to damage or change. */
function copyOf(name: string, label: string, metadata: Record<string, unknown> = {}): string {
  const dir = path.join(work, label);
  cpSync(path.join(MODELS, name), dir, { recursive: true });
  const file = path.join(dir, 'metadata.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...metadata }));
  return dir;
}

async function expectSameOnBothEngines(dir: string): Promise<void> {
  const tfjs = await loadModel(dir);
  const onnx = await loadOnnxModel(dir);
  expect(onnx.backend).toBe(ONNX_BACKEND);
  try {
    for (const file of photographs) {
      const pixels = (await preprocess(original(file), tfjs.metadata.inputSize)).pixels;
      const a = await tfjs.predict(pixels, { heatmap: true });
      const b = await onnx.predict(pixels, { heatmap: true });
      expect(maxDifference(a.probabilities, b.probabilities)).toBeLessThan(1e-4);
      expect(b.heatmap?.size).toBe(a.heatmap?.size);
      expect(maxDifference(a.heatmap!.values, b.heatmap!.values)).toBeLessThan(1e-4);
      expect((await onnx.predict(pixels)).heatmap).toBeNull();
    }
  } finally {
    tfjs.dispose();
    onnx.dispose();
  }
}

describe('ONNX Runtime engine', () => {
  it.each(BUNDLED)(
    '%s: ONNX Runtime equals tfjs within 1e-4 on real photographs, heatmaps included',
    async (name) => {
      await expectSameOnBothEngines(path.join(MODELS, name));
    },
  );

  it('equals tfjs with mirror test-time averaging too (two views, the mirrored map turned back)', async () => {
    await expectSameOnBothEngines(copyOf(BUNDLED.at(-1)!, 'mirror', { testTimeAugmentation: 'mirror' }));
  });

  it('does not grow in memory over 300 predictions with heatmaps', async () => {
    const model = await loadOnnxModel(path.join(MODELS, BUNDLED.at(-1)!));
    const pixels = (await preprocess(original(photographs[0]!), model.metadata.inputSize)).pixels;
    for (let i = 0; i < 30; i++) await model.predict(pixels, { heatmap: true });
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 300; i++) await model.predict(pixels, { heatmap: i % 2 === 0 });
    // Each prediction hands back ~330 KB of feature maps: 300 kept would be ~100 MB.
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
    model.dispose();
  });

  it('is what auto chooses, with no note', async () => {
    const { model, note } = await loadDrModel(path.join(MODELS, BUNDLED.at(-1)!), 'auto');
    expect(model.backend).toBe(ONNX_BACKEND);
    expect(note).toBeNull();
    model.dispose();
  });
});

describe('when ONNX Runtime cannot grade, tfjs does, and says why', () => {
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['no ONNX file', (dir) => rmSync(path.join(dir, ONNX_FILE)), /has no model\.onnx/],
    [
      'a damaged ONNX file',
      (dir) =>
        writeFileSync(path.join(dir, ONNX_FILE), readFileSync(path.join(dir, ONNX_FILE)).subarray(0, 5000)),
      /model\.onnx could not be opened/,
    ],
    [
      'an ONNX file from other weights',
      (dir) => {
        const check = JSON.parse(readFileSync(path.join(dir, ONNX_CHECK_FILE), 'utf8')) as OnnxCheck;
        check.pooled[0]![7]! += 0.01;
        writeFileSync(path.join(dir, ONNX_CHECK_FILE), JSON.stringify(check));
      },
      /ONNX Runtime and tfjs disagree on the model's check inputs \(largest difference 1\.0e-2/,
    ],
  ];
  it.each(cases)('%s', async (label, damage, why) => {
    const dir = copyOf(BUNDLED.at(-1)!, label.replace(/\W+/g, '-'));
    damage(dir);
    const { model, note } = await loadDrModel(dir, 'auto');
    expect(model.backend).toBe('wasm');
    expect(note).toMatch(why);
    const pixels = (await preprocess(original(photographs[0]!), model.metadata.inputSize)).pixels;
    expect((await model.predict(pixels)).probabilities).toHaveLength(5);
    model.dispose();
    await expect(loadDrModel(dir, 'onnx')).rejects.toThrow(why);
  });

  it('the placeholder (no feature layer) runs on tfjs', async () => {
    const { model, note } = await loadDrModel(path.join(MODELS, 'placeholder'), 'auto');
    expect(model.backend).toBe('wasm');
    expect(note).toMatch(/no feature layer/);
    model.dispose();
  });
});

describe('BatchNorm folded into the convolutions for tfjs', () => {
  it('leaves no BatchNormalization layer in the network tfjs builds', async () => {
    const artifacts = await readModelArtifacts(path.join(MODELS, BUNDLED.at(-1)!));
    const classes = (a: typeof artifacts) =>
      (a.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers.map(
        (l) => l.class_name,
      );
    // 52 per MobileNetV2 (the newest bundled model may be an ensemble of several).
    expect(classes(artifacts).filter((c) => c === 'BatchNormalization').length % 52).toBe(0);
    expect(classes(artifacts)).toContain('BatchNormalization');
    expect(classes(foldBatchNorm(artifacts))).not.toContain('BatchNormalization');
  });

  it('gives the same outputs as the network as stored', async () => {
    const dir = path.join(MODELS, BUNDLED.at(-1)!);
    const folded = await loadModel(dir);
    const stored = await loadModel(dir, { foldBatchNorm: false });
    for (const file of photographs.slice(0, 2)) {
      const pixels = (await preprocess(original(file), folded.metadata.inputSize)).pixels;
      const a = await folded.predict(pixels, { heatmap: true });
      const b = await stored.predict(pixels, { heatmap: true });
      expect(maxDifference(a.probabilities, b.probabilities)).toBeLessThan(1e-5);
      expect(maxDifference(a.heatmap!.values, b.heatmap!.values)).toBeLessThan(1e-4);
    }
    folded.dispose();
    stored.dispose();
  });
});
