// The base-model route end to end where Debian's PyTorch is installed (`/usr/bin/python3` with torch); the
// app, `npm install` and the rest of `npm test` never need it, so these tests skip elsewhere.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../model/inference/backend.ts';
import { loadOnnxModel } from '../../model/inference/onnx-model.ts';
import { maxDifference } from '../../model/testing/compare.ts';
import { exportOnnx } from './export-onnx.ts';
import { loadModel } from '../../model/inference/load-model.ts';
import { activeModelDir } from '../../model/inference/model-paths.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import { ORIGINALS_DIR, original } from '../../model/testing/test-images.ts';
import { mirror } from '../data/views.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch']).status === 0;
const HERE = import.meta.dirname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-base-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The PyTorch rebuild's probabilities for images of `size` × `size` × 3 floats. */
async function torchProbabilities(modelDir: string, images: Float32Array[]): Promise<number[][]> {
  const file = path.join(dir, `inputs-${images.length}.f32`);
  const all = new Float32Array(images.reduce((n, i) => n + i.length, 0));
  let offset = 0;
  for (const image of images) {
    all.set(image, offset);
    offset += image.length;
  }
  writeFileSync(file, new Uint8Array(all.buffer));
  const { stdout } = await run(
    PYTHON,
    [path.join(HERE, 'predict.py'), modelDir, file, String(images.length)],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return (JSON.parse(stdout) as { probabilities: number[][] }).probabilities;
}

describe.skipIf(!hasTorch)('base-model trainer (PyTorch)', () => {
  it('gives the same outputs as the app (tfjs) on real preprocessed photographs', async () => {
    await initBackend();
    const modelDir = activeModelDir();
    const model = await loadModel(modelDir);
    try {
      const size = model.metadata.inputSize;
      const files = readdirSync(ORIGINALS_DIR).sort().slice(0, 3);
      const inputs = await Promise.all(files.map(async (f) => (await preprocess(original(f), size)).pixels));
      const mirrored = model.metadata.testTimeAugmentation === 'mirror';
      const torch = await torchProbabilities(
        modelDir,
        mirrored ? inputs.flatMap((p) => [p, mirror(p, size)]) : inputs,
      );
      for (const [i, pixels] of inputs.entries()) {
        const app = (await model.predict(pixels)).probabilities;
        const theirs = mirrored ? torch[2 * i]!.map((p, k) => (p + torch[2 * i + 1]![k]!) / 2) : torch[i]!;
        app.forEach((p, k) => expect(Math.abs(p - theirs[k]!)).toBeLessThan(1e-4));
      }
    } finally {
      model.dispose();
    }
  }, 120_000);

  it('prepares data with the app’s code, trains, resumes and finishes a model folder the app loads', async () => {
    const data = path.join(dir, 'data');
    const trained = path.join(dir, 'trained');
    const out = path.join(dir, 'model');
    const tsx = (script: string, args: string[]) =>
      run(process.execPath, ['--import', 'tsx', path.join(HERE, script), ...args], { maxBuffer: 16 << 20 });
    await tsx('prepare-data.ts', ['--out', data, '--limit', '12', '--validation', '0.5', '--workers', '1']);
    const entries = JSON.parse(readFileSync(path.join(data, 'part-0.json'), 'utf8')) as {
      set: string;
      look: number;
      patient: string;
    }[];
    const patients = (set: string) => new Set(entries.filter((e) => e.set === set).map((e) => e.patient));
    expect([...patients('train')].some((p) => patients('validation').has(p))).toBe(false);
    expect(entries.some((e) => e.look === 1)).toBe(true);

    const train = (epochs: number, extra: string[] = []) =>
      run(PYTHON, [
        path.join(HERE, 'train_base.py'),
        ...[
          '--data',
          data,
          '--out',
          trained,
          '--epochs',
          String(epochs),
          '--batch',
          '4',
          '--limit-steps',
          '1',
        ],
        ...extra,
      ]);
    await train(1);
    const { stderr } = await train(2, ['--resume']);
    expect(stderr).toMatch(/resumed after epoch 1/);
    const record = JSON.parse(readFileSync(path.join(trained, 'training.json'), 'utf8')) as {
      history: { epoch: number }[];
    };
    expect(record.history.map((h) => h.epoch)).toEqual([1, 2]);

    await tsx('finish-model.ts', [
      '--trained',
      trained,
      '--out',
      out,
      '--limit',
      '12',
      '--version',
      '0.0.1-test',
    ]);
    await initBackend();
    const model = await loadModel(out);
    try {
      expect(model.info.version).toBe('0.0.1-test');
      expect(model.metadata.inputSize).toBe(256);
      expect(model.metadata.operatingPoint?.source).toMatch(/internal validation/);
      const { probabilities, heatmap } = await model.predict(new Float32Array(256 * 256 * 3).fill(0.5), {
        heatmap: true,
      });
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(heatmap?.size).toBe(8);
      // The maintainer's ONNX export of the trained folder: ONNX Runtime equals tfjs on it (its load-time check
      // passed too, or loadOnnxModel would have refused it).
      await exportOnnx(out);
      const onnx = await loadOnnxModel(out);
      const input = Float32Array.from({ length: 256 * 256 * 3 }, (_, i) => ((i * 7919) % 1000) / 1000);
      const a = await model.predict(input, { heatmap: true });
      const b = await onnx.predict(input, { heatmap: true });
      expect(maxDifference(a.probabilities, b.probabilities)).toBeLessThan(1e-4);
      expect(maxDifference(a.heatmap!.values, b.heatmap!.values)).toBeLessThan(1e-4);
      onnx.dispose();
    } finally {
      model.dispose();
    }
  }, 600_000);
});
