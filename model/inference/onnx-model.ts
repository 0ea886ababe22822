import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { mirror } from '../image/mirror.ts';
import { applyDenseHead, readDenseHead } from './dense-head.ts';
import { modelInfo, readModelMetadata } from './metadata.ts';
import { readModelArtifacts } from './model-artifacts.ts';
import { checkInputs, poolFeatureMaps, type OnnxCheck } from './onnx-check.ts';
import type { DrModel } from './prediction.ts';

/** The backbone as ONNX (exported by training/base-model/export_onnx.py), beside model.json in a model folder. */
export const ONNX_FILE = 'model.onnx';
/** Pooled features tfjs computed for the check inputs when the ONNX file was made (npm run model:onnx). */
export const ONNX_CHECK_FILE = 'onnx-check.json';
/** The most ONNX Runtime's pooled features may differ from tfjs's on the check inputs. */
export const ONNX_TOLERANCE = 1e-4;
export const ONNX_BACKEND = 'onnxruntime';

/** Why ONNX Runtime cannot grade with a model folder: said in a sentence, and grading falls back to tfjs. */
export class OnnxUnavailable extends Error {
  override name = 'OnnxUnavailable';
}

type Ort = typeof OrtModule;
let ortModule: Promise<Ort> | null = null;

/** onnxruntime-node, loaded once per thread; its native binding is absent on some platforms. */
export function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort);
  return ortModule;
}

/**
 * One intra-op thread with spinning off: the pool runs one worker per core, and on a busy 2-core machine two
 * spinning threads per session were measured slower than one (README, "Engines").
 */
export const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
};

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * Loads a model folder on ONNX Runtime: the backbone from model.onnx, the head from the layers model's weights.
 * Refuses (OnnxUnavailable) when the folder has no ONNX file or no check, ORT does not load, the file is damaged,
 * or ORT's features differ from tfjs's on the check inputs by more than ONNX_TOLERANCE.
 */
export async function loadOnnxModel(dir: string): Promise<DrModel> {
  const metadata = await readModelMetadata(dir);
  const cam = metadata.heatmap;
  if (!cam) throw new OnnxUnavailable('the model names no feature layer for the ONNX backbone');
  const onnxFile = path.join(dir, ONNX_FILE);
  const checkFile = path.join(dir, ONNX_CHECK_FILE);
  if (!existsSync(onnxFile)) throw new OnnxUnavailable(`the model folder has no ${ONNX_FILE}`);
  if (!existsSync(checkFile)) throw new OnnxUnavailable(`the model folder has no ${ONNX_CHECK_FILE}`);
  let ort: Ort;
  try {
    ort = await loadOrt();
  } catch (error) {
    throw new OnnxUnavailable(`ONNX Runtime did not load on this platform (${reason(error)})`);
  }
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnxFile, SESSION_OPTIONS);
  } catch (error) {
    throw new OnnxUnavailable(`${ONNX_FILE} could not be opened (${reason(error)})`);
  }
  const head = readDenseHead(await readModelArtifacts(dir), cam.headLayer);
  const size = metadata.inputSize;

  async function features(batch: Float32Array, n: number): Promise<{ data: Float32Array; dims: number[] }> {
    const input = new ort.Tensor('float32', batch, [n, size, size, 3]);
    const result = await session.run({ [session.inputNames[0]!]: input });
    const output = result[session.outputNames[0]!] as Tensor;
    const data = output.data as Float32Array;
    const dims = [...output.dims];
    input.dispose();
    output.dispose();
    return { data, dims };
  }

  const check = JSON.parse(await readFile(checkFile, 'utf8')) as OnnxCheck;
  try {
    const inputs = checkInputs(check, size);
    const got = poolFeatureMaps(await features(inputs, check.count));
    let worst = 0;
    for (let i = 0; i < got.length; i++)
      worst = Math.max(
        worst,
        Math.abs(got[i]! - (check.pooled[Math.floor(i / head.channels)]?.[i % head.channels] ?? NaN)),
      );
    if (!(worst <= ONNX_TOLERANCE))
      throw new OnnxUnavailable(
        `ONNX Runtime and tfjs disagree on the model's check inputs (largest difference ${worst.toExponential(1)}, ` +
          `allowed ${ONNX_TOLERANCE}): ${ONNX_FILE} does not match the model's weights`,
      );
  } catch (error) {
    await session.release();
    if (error instanceof OnnxUnavailable) throw error;
    throw new OnnxUnavailable(`${ONNX_FILE} could not be checked (${reason(error)})`);
  }

  const mirrored = metadata.testTimeAugmentation === 'mirror';
  return {
    metadata,
    info: modelInfo(metadata),
    hasHeatmap: true,
    backend: ONNX_BACKEND,
    async predict(pixels, options = {}) {
      if (pixels.length !== size * size * 3)
        throw new Error(`Expected ${size}×${size}×3 input values, got ${pixels.length}.`);
      let batch = pixels;
      if (mirrored) {
        batch = new Float32Array(pixels.length * 2);
        batch.set(pixels);
        batch.set(mirror(pixels, size), pixels.length);
      }
      const { data, dims } = await features(batch, mirrored ? 2 : 1);
      return applyDenseHead(head, data, dims, { heatmap: options.heatmap ?? false, mirrored });
    },
    async pooledFeatures(pixels) {
      if (pixels.length !== size * size * 3)
        throw new Error(`Expected ${size}×${size}×3 input values, got ${pixels.length}.`);
      return poolFeatureMaps(await features(pixels, 1));
    },
    async featureMaps(pixels) {
      if (pixels.length !== size * size * 3)
        throw new Error(`Expected ${size}×${size}×3 input values, got ${pixels.length}.`);
      return features(pixels, 1);
    },
    dispose() {
      void session.release();
    },
  };
}
