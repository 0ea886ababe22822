import { mkdtempSync, rmSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../model/inference/backend.ts';
import { loadModel } from '../../model/inference/load-model.ts';
import { readModelArtifacts } from '../../model/inference/model-artifacts.ts';
import { projectRoot } from '../../model/inference/model-paths.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import { original } from '../../model/testing/test-images.ts';
import { buildEnsembleNetwork } from './ensemble-model.ts';
import { makeEnsemble } from './make-ensemble.ts';

const models = path.join(projectRoot(), 'resources', 'models');
const V1 = path.join(models, 'eyenet-mnv2-dr-v1'); // trained at 224 px
const V2 = path.join(models, 'eyenet-mnv2-dr-v2'); // trained at 256 px

let work: string;
let pixels: Float32Array;
beforeAll(async () => {
  await initBackend();
  work = mkdtempSync(path.join(os.tmpdir(), 'eyenet-ensemble-'));
  pixels = (await preprocess(original('16_left.jpeg'), 256)).pixels;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A member alone at 256 px, as the ensemble runs it (its input layer resized: the network is fully convolutional),
 * written out and loaded through the app's loader so BatchNorm folding is the same as the ensemble's.
 */
async function memberAt256(dir: string): Promise<number[]> {
  const alone = path.join(work, `alone-${path.basename(dir)}`);
  await mkdir(alone, { recursive: true });
  await copyFile(path.join(dir, 'weights.bin'), path.join(alone, 'weights.bin'));
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
  json.modelTopology.config.layers[0].config.batch_input_shape = [null, 256, 256, 3];
  await writeFile(path.join(alone, 'model.json'), JSON.stringify(json));
  const metadata = JSON.parse(await readFile(path.join(dir, 'metadata.json'), 'utf8'));
  await writeFile(path.join(alone, 'metadata.json'), JSON.stringify({ ...metadata, inputSize: 256 }));
  const model = await loadModel(alone);
  const { probabilities } = await model.predict(pixels);
  model.dispose();
  return probabilities;
}

const logits = (p: number[]) => p.map((v) => Math.log(v));
function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('an ensemble as one network', () => {
  it('gives the softmax of the members’ mean logits', async () => {
    const dir = path.join(work, 'v1-v2');
    const metadata = await makeEnsemble({
      members: [V1, V2],
      out: dir,
      version: '9.9.9',
      size: 256,
      onnx: false,
    });
    expect(metadata.ensemble?.members.map((m) => [m.version, m.trainedAt])).toEqual([
      ['1.1.0', 224],
      ['2.0.0', 256],
    ]);
    const ensemble = await loadModel(dir);
    const got = (await ensemble.predict(pixels)).probabilities;
    ensemble.dispose();

    const [a, b] = [await memberAt256(V1), await memberAt256(V2)];
    const expected = softmax(logits(a).map((v, i) => (v + logits(b)[i]!) / 2));
    for (let k = 0; k < 5; k++) expect(got[k]).toBeCloseTo(expected[k]!, 5);
    // Not just one member's answer.
    expect(Math.abs(got[0]! - a[0]!) + Math.abs(got[0]! - b[0]!)).toBeGreaterThan(1e-4);
  }, 120_000);

  it('of one model with itself grades and maps exactly as that model', async () => {
    const dir = path.join(work, 'v2-v2');
    await makeEnsemble({ members: [V2, V2], out: dir, version: '9.9.8', onnx: false });
    const [twin, single] = [await loadModel(dir), await loadModel(V2)];
    const [t, s] = [
      await twin.predict(pixels, { heatmap: true }),
      await single.predict(pixels, { heatmap: true }),
    ];
    twin.dispose();
    single.dispose();
    for (let k = 0; k < 5; k++) expect(t.probabilities[k]).toBeCloseTo(s.probabilities[k]!, 6);
    expect(t.heatmap!.size).toBe(s.heatmap!.size);
    for (let i = 0; i < t.heatmap!.values.length; i++)
      expect(t.heatmap!.values[i]).toBeCloseTo(s.heatmap!.values[i]!, 4);
  }, 120_000);

  it('refuses fewer than two members and a member without the head it averages', async () => {
    const v2 = await readModelArtifacts(V2);
    expect(() => buildEnsembleNetwork([{ label: 'v2', artifacts: v2 }], 256)).toThrow(/at least two/);
    const headless = structuredClone(v2.modelTopology) as { config: { layers: { name: string }[] } };
    headless.config.layers = headless.config.layers.filter((l) => l.name !== 'dr_head');
    expect(() =>
      buildEnsembleNetwork(
        [
          { label: 'v2', artifacts: v2 },
          { label: 'headless', artifacts: { ...v2, modelTopology: headless } },
        ],
        256,
      ),
    ).toThrow(/headless: no 5-way dense head/);
  });
});
