import type * as tf from '@tensorflow/tfjs';
import type { Prediction } from './prediction.ts';

/**
 * The model's head, applied in plain TypeScript to the last feature maps: global average pooling, the dense layer,
 * the softmax, and the class activation map. The ONNX Runtime engine runs only the backbone, so a clinic's
 * fine-tuned head (trained without Python, stored in the layers model's weights) runs on the same ONNX file.
 */
export interface DenseHead {
  /** [channels × 5], row-major as Keras stores it. */
  kernel: Float32Array;
  bias: Float32Array;
  channels: number;
  /** The CAM direction: the mean weights of grades 2–4 minus those of grades 0–1, per channel. */
  direction: Float32Array;
}

/** Reads the dense layer `layer` (kernel [C, 5] and bias [5]) out of a tfjs model folder's weights. */
export function readDenseHead(artifacts: tf.io.ModelArtifacts, layer: string): DenseHead {
  const specs = artifacts.weightSpecs ?? [];
  const data = artifacts.weightData;
  if (!(data instanceof ArrayBuffer)) throw new Error('The model weights were not read as one buffer.');
  let offset = 0;
  const found = new Map<string, Float32Array>();
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization)
      throw new Error(`${spec.name}: only unquantised float32 weights are read.`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.name === `${layer}/kernel` || spec.name === `${layer}/bias`)
      found.set(spec.name.slice(layer.length + 1), new Float32Array(data.slice(offset, offset + count * 4)));
    offset += count * 4;
  }
  const kernel = found.get('kernel');
  const bias = found.get('bias');
  if (!kernel || !bias || bias.length !== 5 || kernel.length % 5 !== 0)
    throw new Error(`${layer} is not a 5-way dense head.`);
  const channels = kernel.length / 5;
  const direction = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const k = c * 5;
    direction[c] = (kernel[k + 2]! + kernel[k + 3]! + kernel[k + 4]!) / 3 - (kernel[k]! + kernel[k + 1]!) / 2;
  }
  return { kernel, bias, channels, direction };
}

/**
 * From NHWC feature maps [n, h, w, C] to the prediction: the probabilities averaged over the n views, and (if
 * asked) the referable-evidence map averaged over the views, row 1 mirrored back when `mirrored`, scaled so
 * its peak is 1.
 */
export function applyDenseHead(
  head: DenseHead,
  features: Float32Array,
  shape: readonly number[],
  options: { heatmap: boolean; mirrored: boolean },
): Prediction {
  const [n, h, w, c] = shape as [number, number, number, number];
  if (c !== head.channels) throw new Error(`The features have ${c} channels, the head ${head.channels}.`);
  const cells = h * w;
  const probabilities = [0, 0, 0, 0, 0];
  const pooled = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    pooled.fill(0);
    const base = b * cells * c;
    for (let p = 0; p < cells; p++) {
      const o = base + p * c;
      for (let k = 0; k < c; k++) pooled[k]! += features[o + k]!;
    }
    const logits = Array.from(head.bias, Number);
    for (let k = 0; k < c; k++) {
      const v = pooled[k]! / cells;
      const row = k * 5;
      for (let g = 0; g < 5; g++) logits[g]! += v * head.kernel[row + g]!;
    }
    const top = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - top));
    const sum = exps.reduce((a, e) => a + e, 0);
    for (let g = 0; g < 5; g++) probabilities[g]! += exps[g]! / sum / n;
  }
  if (!options.heatmap) return { probabilities, heatmap: null };
  const values = new Float32Array(cells);
  for (let b = 0; b < n; b++) {
    const flip = options.mirrored && b === 1;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const o = ((b * h + y) * w + x) * c;
        let dot = 0;
        for (let k = 0; k < c; k++) dot += features[o + k]! * head.direction[k]!;
        values[y * w + (flip ? w - 1 - x : x)]! += Math.max(0, dot) / n;
      }
  }
  let peak = 0;
  for (const v of values) peak = Math.max(peak, v);
  if (peak > 0) for (let i = 0; i < cells; i++) values[i]! /= peak;
  return { probabilities, heatmap: { size: h, values } };
}
