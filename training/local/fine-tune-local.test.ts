import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readDenseHead } from '../../model/inference/dense-head.ts';
import { loadModel } from '../../model/inference/load-model.ts';
import { readModelArtifacts } from '../../model/inference/model-artifacts.ts';
import { loadOnnxModel } from '../../model/inference/onnx-model.ts';
import { maxDifference } from '../../model/testing/compare.ts';
import { activeModelDir, activeModelVersion, sharedDataDir } from '../../model/inference/model-paths.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import { readKaggleLabels } from '../data/dataset.ts';
import { rocAuc } from '../evaluate/metrics.ts';
import { fineTuneLocal, type LocalPhotograph } from './fine-tune-local.ts';
import { isHeldOut } from './split.ts';
import { parseMaculopathyCsv } from '../maculopathy/head-cv.ts';
import { MACULOPATHY_HEAD_FILE } from '../../model/maculopathy/head.ts';

// A small real local set: srahim-dev (another clinic, another camera, ophthalmologists' grades), a few patients
// from each side of the split, so the test stays short. The base model never trained on it.
const SET = path.join(sharedDataDir(), 'srahim-dev');
const all = readKaggleLabels(path.join(SET, 'trainLabels.csv'), path.join(SET, 'images')).images;
const pick = (held: boolean, n: number) => {
  const patients = [...new Set(all.filter((i) => isHeldOut(i.patient) === held).map((i) => i.patient))];
  // Referable and non-referable patients alike, whatever the order of the file.
  const referable = patients.filter((p) => all.some((i) => i.patient === p && i.level >= 2));
  const not = patients.filter((p) => !referable.includes(p));
  const chosen = new Set([...referable.slice(0, n / 2), ...not.slice(0, n / 2)]);
  return all.filter((i) => chosen.has(i.patient));
};
const maculopathy = parseMaculopathyCsv(readFileSync(path.join(SET, 'maculopathy.csv'), 'utf8'));
const photographs: LocalPhotograph[] = [...pick(false, 12), ...pick(true, 8)].map((i) => ({
  key: i.name,
  patient: i.patient,
  grade: i.level,
  // The ophthalmologists' maculopathy readings, as a clinician's M0/M1 would come with the photographs.
  maculopathy: maculopathy.get(i.name) ?? null,
  read: async () => new Uint8Array(readFileSync(i.file)),
}));
const out = mkdtempSync(path.join(os.tmpdir(), 'eyenet-local-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the local fine-tune', () => {
  it('starts from the active model and writes a candidate with its held-out figures beside the base model’s', async () => {
    const stages = new Set<string>();
    const dir = path.join(out, 'candidate');
    const result = await fineTuneLocal(photographs, {
      initModelDir: activeModelDir(),
      outDir: dir,
      version: '2.0.0-local.test',
      operatingPoint: 0.1,
      onProgress: (stage) => stages.add(stage),
    });
    expect([...stages]).toEqual(['features', 'training', 'saving']);
    expect(result.training.patients).toBe(12);
    expect(result.base.patients).toBe(8);
    expect(result.base.photographs).toBe(result.candidate.photographs);
    // Too few M0/M1 readings to refit the maculopathy head on the fine-tuned logit: the candidate has none, says
    // why, and the base's head is still judged on the held-out patients.
    expect(result.maculopathy).toMatchObject({
      refitted: false,
      why: expect.stringMatching(/^a refit needs 40 photographs of training patients/),
      heldOut: { base: { photographs: expect.any(Number) }, candidate: null },
    });
    expect(result.maculopathy.heldOut.base!.photographs).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, MACULOPATHY_HEAD_FILE))).toBe(false);
    for (const f of [result.base, result.candidate]) {
      expect(f.referableAuc).toBeGreaterThanOrEqual(0);
      expect(f.referableAuc).toBeLessThanOrEqual(1);
      expect(f.auc95.low).toBeLessThanOrEqual(f.auc95.high);
      expect(f.threshold).toBe(0.1);
    }
    // Base and candidate were judged on the model's reference set too (its features ship with the model).
    expect(result.reference?.base.photographs).toBe(290);
    expect(result.reference?.candidate).toMatchObject({ photographs: 290, referablePatients: 32 });
    expect(result.referenceComparison).toMatchObject({ excludedTrainedOn: 0, rounds: 2000 });
    // The base is judged with its own head, exactly as it grades: training the candidate never moves it.
    const baseHead = readDenseHead(await readModelArtifacts(activeModelDir()), 'dr_head');
    const onnxBase = await loadOnnxModel(activeModelDir());
    const heldOut = photographs.filter((p) => isHeldOut(p.patient));
    const baseScores: number[] = [];
    for (const p of heldOut) {
      const pooled = await onnxBase.pooledFeatures!(
        (await preprocess(await p.read(), onnxBase.metadata.inputSize)).pixels,
      );
      const logits = [0, 1, 2, 3, 4].map(
        (k) => baseHead.bias[k]! + pooled.reduce((sum, v, c) => sum + v * baseHead.kernel[c * 5 + k]!, 0),
      );
      const top = Math.max(...logits);
      const e = logits.map((l) => Math.exp(l - top));
      baseScores.push((e[2]! + e[3]! + e[4]!) / e.reduce((a, b) => a + b, 0));
    }
    onnxBase.dispose();
    expect(result.base.referableAuc).toBeCloseTo(
      rocAuc(
        heldOut.map((p) => p.grade >= 2),
        baseScores,
      ),
      6,
    );
    // The base's ONNX backbone and its check come along: only the head was trained.
    expect(readdirSync(dir).sort()).toEqual([
      'metadata.json',
      'model.json',
      'model.onnx',
      'onnx-check.json',
      'reference-features.json',
      'training.json',
      'weights.bin',
    ]);
    const metadata = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8'));
    expect(metadata).toMatchObject({
      version: '2.0.0-local.test',
      validated: false,
      fineTunedFrom: { version: activeModelVersion() },
      localValidation: {
        comparison: { auc: { estimate: expect.any(Number) }, threshold: 0.1 },
        reference: { base: { photographs: 290 } },
        derivedPoint: { threshold: result.derivedThreshold, sensitivity: expect.any(Number) },
      },
    });
    // The app's own loader reads the candidate and grades with it.
    const model = await loadModel(dir);
    const pre = await preprocess(await photographs[0]!.read(), model.metadata.inputSize);
    const { probabilities } = await model.predict(pre.pixels);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    // The candidate runs on ONNX Runtime with its own fine-tuned head, equal to tfjs within 1e-4, heatmap too.
    const onnx = await loadOnnxModel(dir);
    for (const photograph of photographs.slice(0, 3)) {
      const pixels = (await preprocess(await photograph.read(), model.metadata.inputSize)).pixels;
      const a = await model.predict(pixels, { heatmap: true });
      const b = await onnx.predict(pixels, { heatmap: true });
      expect(maxDifference(a.probabilities, b.probabilities)).toBeLessThan(1e-4);
      expect(maxDifference(a.heatmap!.values, b.heatmap!.values)).toBeLessThan(1e-4);
    }
    onnx.dispose();
    model.dispose();
  });

  it('leaves nothing behind when cancelled, and never touches the base model', async () => {
    const dir = path.join(out, 'cancelled');
    const controller = new AbortController();
    const before = readFileSync(path.join(activeModelDir(), 'weights.bin'));
    await expect(
      fineTuneLocal(photographs, {
        initModelDir: activeModelDir(),
        outDir: dir,
        version: 'x',
        operatingPoint: null,
        signal: controller.signal,
        onProgress: (_stage, done) => {
          if (done === 3) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(`${dir}.partial`)).toBe(false);
    expect(readFileSync(path.join(activeModelDir(), 'weights.bin')).equals(before)).toBe(true);
  });
});
