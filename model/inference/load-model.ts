import * as tf from '@tensorflow/tfjs';
import { foldBatchNorm } from './fold-batchnorm.ts';
import { readModelArtifacts } from './model-artifacts.ts';
import { modelInfo, readModelMetadata } from './metadata.ts';
import type { DrModel, Prediction } from './prediction.ts';

export { readModelArtifacts };

export type { DrModel, Prediction };

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

export interface LoadModelOptions {
  /** Fold BatchNorm into the convolutions before tfjs builds the network (default true; equal outputs, faster). */
  foldBatchNorm?: boolean;
}

/** Loads a model folder on this thread's tfjs backend (initBackend first). */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<DrModel> {
  const metadata = await readModelMetadata(dir);
  const artifacts = await readModelArtifacts(dir);
  const handler = tf.io.fromMemory(options.foldBatchNorm === false ? artifacts : foldBatchNorm(artifacts));
  const net: tf.LayersModel | tf.GraphModel =
    metadata.format === 'layers' ? await tf.loadLayersModel(handler) : await tf.loadGraphModel(handler);
  const size = metadata.inputSize;
  const cam = metadata.heatmap && net instanceof tf.LayersModel ? metadata.heatmap : null;
  const direction = cam ? referableDirection(net as tf.LayersModel, cam.headLayer) : null;
  const mirrored = metadata.testTimeAugmentation === 'mirror';

  return {
    metadata,
    info: modelInfo(metadata),
    hasHeatmap: direction !== null,
    backend: tf.getBackend(),
    // tfjs computes synchronously; the promise keeps one interface with the ONNX Runtime engine.
    async predict(pixels, options = {}) {
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
