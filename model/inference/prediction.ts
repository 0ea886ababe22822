import type { ModelMetadata } from './metadata.ts';
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

/** The engines a model can run on: ONNX Runtime (native, fast) or TensorFlow.js (wasm, or tfjs-node, or cpu). */
export type EngineKind = 'onnx' | 'tfjs';

/**
 * A loaded DR model: give it a preprocessed image, get the five ICDR grade probabilities (and a heatmap).
 * Every engine offers the same interface, so the grader, the CLIs and the workers do not know which one runs.
 */
export interface DrModel {
  readonly metadata: ModelMetadata;
  readonly info: ModelInfo;
  readonly hasHeatmap: boolean;
  /** The engine as recorded with each result: `onnxruntime`, or the tfjs backend (`wasm`, `tensorflow`, `cpu`). */
  readonly backend: string;
  /** `pixels` is inputSize × inputSize × 3 floats, laid out as the preprocessing produced them. */
  predict(pixels: Float32Array, options?: { heatmap?: boolean }): Promise<Prediction>;
  /**
   * The head's input for one view (the globally pooled last feature maps), where the engine exposes it: the local
   * fine-tune retrains only the head on these.
   */
  pooledFeatures?(pixels: Float32Array): Promise<Float32Array>;
  /**
   * The last feature maps for one view, NHWC [1, h, w, C], where the engine exposes them: the maculopathy head
   * weighs them by distance from the fovea.
   */
  featureMaps?(pixels: Float32Array): Promise<{ data: Float32Array; dims: number[] }>;
  dispose(): void;
}
