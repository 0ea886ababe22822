import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../model/inference/load-model.ts';
import { projectRoot } from '../../model/inference/model-paths.ts';
import { SHARED_DATA } from '../../model/testing/test-images.ts';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DATA = path.join(SHARED_DATA, 'eyepacs-256');

async function train(out: string, extra: string[] = []) {
  await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'training/fine-tune/train-cli.ts',
      '--images',
      path.join(DATA, 'images'),
      '--labels',
      path.join(DATA, 'trainLabels.csv'),
      '--limit',
      '24',
      '--validation',
      '0.3',
      '--batch',
      '8',
      '--workers',
      '1',
      '--warmup-steps',
      '2', // so the run passes from head-only warm-up to full training
      '--lr',
      '0.0001',
      '--cache',
      path.join(dir, 'cache'),
      '--out',
      out,
      ...extra,
    ],
    { cwd: projectRoot(), maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(readFileSync(path.join(out, 'training.json'), 'utf8')) as {
    history: { epoch: number; trainLoss: number; validationLoss: number }[];
  };
}

describe('npm run train (a tiny run on real images)', () => {
  it('completes, its loss falls, it is reproducible for a seed, and it resumes from its checkpoint', async () => {
    const a = await train(path.join(dir, 'a'), ['--epochs', '3', '--seed', '5']);
    expect(a.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    // A handful of class-weighted batches per epoch make one epoch's training loss noisy: compare the mean of the
    // later epochs with the first, and the (dropout-free, all-view) validation loss at the end with the start.
    const [first, second, third] = a.history;
    expect((second!.trainLoss + third!.trainLoss) / 2).toBeLessThan(first!.trainLoss);
    expect(third!.validationLoss).toBeLessThan(first!.validationLoss);

    const b = await train(path.join(dir, 'b'), ['--epochs', '3', '--seed', '5']);
    expect(b.history.map((h) => h.trainLoss)).toEqual(a.history.map((h) => h.trainLoss));

    const resumed = await train(path.join(dir, 'a'), ['--epochs', '4', '--seed', '5', '--resume']);
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(resumed.history.slice(0, 3)).toEqual(a.history);

    const model = await loadModel(path.join(dir, 'a'));
    expect(model.metadata.operatingPoint?.threshold).toBeGreaterThanOrEqual(0);
    expect(model.hasHeatmap).toBe(true);
    const { probabilities, heatmap } = await model.predict(new Float32Array(224 * 224 * 3).fill(0.5), {
      heatmap: true,
    });
    expect(probabilities).toHaveLength(5);
    expect(heatmap?.size).toBe(7);
    model.dispose();
  }, 300_000);
});
