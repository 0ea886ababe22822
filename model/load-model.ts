import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseModelMetadata, type ModelMetadata } from './metadata.ts';
import type { ModelInfo } from './types.ts';

/** A loaded DR model: give it a preprocessed image, get the five ICDR grade probabilities. */
export interface DrModel {
  readonly metadata: ModelMetadata;
  readonly info: ModelInfo;
  /** `pixels` is inputSize × inputSize × 3 floats, laid out as the preprocessing produced them. */
  predict(pixels: Float32Array): number[];
  dispose(): void;
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
async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
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

  return {
    metadata,
    info: {
      name: metadata.name,
      version: metadata.version,
      validated: metadata.validated,
      preprocessing: metadata.preprocessing.id,
    },
    predict(pixels) {
      if (pixels.length !== size * size * 3) {
        throw new Error(`Expected ${size}×${size}×3 input values, got ${pixels.length}.`);
      }
      const probabilities = tf.tidy(() => {
        const input = tf.tensor4d(pixels, [1, size, size, 3]);
        const output = net.predict(input) as tf.Tensor;
        return output.dataSync();
      });
      return Array.from(probabilities);
    },
    dispose() {
      net.dispose();
    },
  };
}
