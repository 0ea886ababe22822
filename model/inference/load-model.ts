import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseModelMetadata, type ModelMetadata } from './metadata.ts';
import type { ModelInfo } from './types.ts';

export interface Prediction {
  /** Probabilities of ICDR grades 0–4. */
  probabilities: number[];
  /**
   * Class activation map of referable-DR evidence, `size` × `size`, in [0, 1] (1 = strongest), over the
   * model input; null when the model has no heatmap output or none was asked for.
   */
  heatmap: { size: number; values: Float32Array } | null;
}

/** A loaded DR model: give it a preprocessed image, get the five ICDR grade probabilities (and a heatmap). */
export interface DrModel {
  readonly metadata: ModelMetadata;
  readonly info: ModelInfo;
  readonly hasHeatmap: boolean;
  /** `pixels` is inputSize × inputSize × 3 floats, laid out as the preprocessing produced them. */
  predict(pixels: Float32Array, options?: { heatmap?: boolean }): Prediction;
  dispose(): void;
}

/**
 * The CAM direction for "referable": the head's mean weights for grades 2–4 minus those for grades 0–1. The
 * map is the per-location contribution of the last feature maps to that difference of logits.
 */
function referableDirection(net: tf.LayersModel, headLayer: string): tf.Tensor1D {
  const [kernel] = net.getLayer(headLayer).getWeights();
  if (!kernel || kernel.shape.length !== 2 || kernel.shape[1] !== 5)
    throw new Error(`${headLayer} is not a 5-way dense head.`);
  return tf.tidy(() => {
    const referable = kernel.slice([0, 2], [-1, 3]).mean(1);
    const not = kernel.slice([0, 0], [-1, 2]).mean(1);
    return referable.sub(not) as tf.Tensor1D;
  });
}

interface WeightsManifestEntry {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: WeightsManifestEntry[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

/** Reads a tfjs model folder from disk; tfjs has no file:// loader without tfjs-node. */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const modelJson = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const file of group.paths) {
      const resolved = path.resolve(dir, file);
      if (path.dirname(resolved) !== path.resolve(dir))
        throw new Error(`Weight path escapes the model folder: ${file}`);
      buffers.push(new Uint8Array(await readFile(resolved)));
    }
  }
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return {
    modelTopology: modelJson.modelTopology,
    weightSpecs,
    weightData: weightData.buffer,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy ?? null,
  };
}

export async function loadModel(dir: string): Promise<DrModel> {
  const metadata = parseModelMetadata(
    JSON.parse(await readFile(path.join(dir, 'metadata.json'), 'utf8')),
    path.join(dir, 'metadata.json'),
  );
  const artifacts = await readModelArtifacts(dir);
  const handler = tf.io.fromMemory(artifacts);
  const net: tf.LayersModel | tf.GraphModel =
    metadata.format === 'layers' ? await tf.loadLayersModel(handler) : await tf.loadGraphModel(handler);
  const size = metadata.inputSize;
  const cam = metadata.heatmap && net instanceof tf.LayersModel ? metadata.heatmap : null;
  const direction = cam ? referableDirection(net as tf.LayersModel, cam.headLayer) : null;
  const mirrored = metadata.testTimeAugmentation === 'mirror';

  return {
    metadata,
    info: {
      name: metadata.name,
      version: metadata.version,
      validated: metadata.validated,
      preprocessing: metadata.preprocessing.id,
    },
    hasHeatmap: direction !== null,
    predict(pixels, options = {}) {
      if (pixels.length !== size * size * 3) {
        throw new Error(`Expected ${size}×${size}×3 input values, got ${pixels.length}.`);
      }
      let result: Prediction = { probabilities: [], heatmap: null };
      // Everything tfjs allocates here is freed by the tidy; only plain arrays leave it.
      tf.tidy(() => {
        const image = tf.tensor4d(pixels, [1, size, size, 3]);
        // With mirror averaging the batch is [image, mirrored image]; row 1's maps are mirrored back.
        const input = mirrored ? tf.concat([image, tf.reverse(image, 2)]) : image;
        const output = net.predict(input) as tf.Tensor | tf.Tensor[];
        const outputs = Array.isArray(output) ? output : [output];
        const probabilities = Array.from(outputs[0]!.mean(0).dataSync());
        if (!options.heatmap || !cam || !direction) {
          result = { probabilities, heatmap: null };
          return;
        }
        const features = outputs[cam.featureOutput] as tf.Tensor4D;
        const [n, h, w, c] = features.shape;
        const maps = tf
          .relu(tf.matMul(features.reshape([n * h * w, c]), direction.reshape([c, 1])))
          .reshape([n, h, w, 1]) as tf.Tensor4D;
        const aligned = mirrored
          ? tf.concat([
              maps.slice([0, 0, 0, 0], [1, -1, -1, -1]),
              tf.reverse(maps.slice([1, 0, 0, 0], [1, -1, -1, -1]), 2),
            ])
          : maps;
        const map = aligned.mean(0).reshape([h * w]);
        const peak = map.max().dataSync()[0]!;
        const values = (peak > 0 ? map.div(peak) : map).dataSync() as Float32Array;
        result = { probabilities, heatmap: { size: h, values: Float32Array.from(values) } };
      });
      return result;
    },
    dispose() {
      direction?.dispose();
      net.dispose();
    },
  };
}
