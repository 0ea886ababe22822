// The DR network: MobileNetV2 (weights from the MIT-licensed nsfwjs package, read offline from
// node_modules) whose later blocks and a new head are trained on fundus photographs.
//
// For training, the network is cut in two at CUT_LAYER: the frozen stem runs once per image view and its
// activations are cached; the tail (blocks 13–16, Conv_1) and the head train on the cache. For the app, the
// two halves are joined again into one model with two outputs: the grade probabilities and the last feature
// maps, which give the class activation map (heatmap).
import * as tf from '@tensorflow/tfjs';

export const INPUT_SIZE = 224;
export const CUT_LAYER = 'block_12_add';
export const FEATURE_LAYER = 'out_relu';
export const HEAD_LAYER = 'dr_head';

export async function loadMobileNetV2(): Promise<tf.LayersModel> {
  const nsfwjs = await import('nsfwjs');
  const loaded = (await nsfwjs.load('MobileNetV2', { size: INPUT_SIZE })) as unknown as {
    model: tf.LayersModel;
  };
  return loaded.model;
}

/**
 * Re-applies the layers of `source` that lie between `from` (exclusive) and `to` (inclusive) to a new
 * symbolic input, following the original wiring, so the new model shares the pretrained weights.
 */
function rewire(
  source: tf.LayersModel,
  input: tf.SymbolicTensor,
  from: string,
  to: string,
): tf.SymbolicTensor {
  const outputs = new Map<string, tf.SymbolicTensor>([[from, input]]);
  const start = source.layers.findIndex((l) => l.name === from);
  const end = source.layers.findIndex((l) => l.name === to);
  if (start < 0 || end < start) throw new Error(`Cannot cut ${source.name} between ${from} and ${to}.`);
  for (const layer of source.layers.slice(start + 1, end + 1)) {
    const inbound = (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] })
      .inboundNodes[0]!;
    const args = inbound.inboundLayers.map((l) => {
      const t = outputs.get(l.name);
      if (!t) throw new Error(`Layer ${layer.name} needs ${l.name}, which lies before the cut.`);
      return t;
    });
    outputs.set(layer.name, layer.apply(args.length === 1 ? args[0]! : args) as tf.SymbolicTensor);
  }
  return outputs.get(to)!;
}

/** Input image → cached activations. */
export function buildStem(backbone: tf.LayersModel): tf.LayersModel {
  const cut = backbone.getLayer(CUT_LAYER);
  return tf.model({ inputs: backbone.inputs, outputs: cut.output as tf.SymbolicTensor, name: 'eyenet_stem' });
}

export function stemOutputShape(backbone: tf.LayersModel): number[] {
  return (backbone.getLayer(CUT_LAYER).outputShape as number[]).slice(1);
}

/** A new head: average-pooled features → 5 grade probabilities. Seeded, so a run is reproducible. */
export function buildHead(features: number, seed: number): tf.layers.Layer {
  const head = tf.layers.dense({
    units: 5,
    activation: 'softmax',
    name: HEAD_LAYER,
    inputShape: [features],
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
  });
  head.apply(tf.input({ shape: [features] })); // builds its weights now, so training can list them
  return head;
}

/** Cached activations → last feature maps: the trainable part of the backbone (pooling and head come after). */
export function buildTail(backbone: tf.LayersModel): tf.LayersModel {
  const input = tf.input({ shape: stemOutputShape(backbone), name: 'stem_features' });
  return tf.model({
    inputs: input,
    outputs: rewire(backbone, input, CUT_LAYER, FEATURE_LAYER),
    name: 'eyenet_tail',
  });
}

export function featureChannels(backbone: tf.LayersModel): number {
  return (backbone.getLayer(FEATURE_LAYER).outputShape as number[]).at(-1)!;
}

/** The model the app loads: image → [probabilities, feature maps], one graph, pretrained stem + trained tail. */
export function buildInferenceModel(
  backbone: tf.LayersModel,
  head: tf.layers.Layer,
  inputSize: number = INPUT_SIZE,
): tf.LayersModel {
  const input = tf.input({ shape: [inputSize, inputSize, 3], name: 'fundus' });
  const stem = rewire(backbone, input, backbone.layers[0]!.name, CUT_LAYER);
  const features = rewire(backbone, stem, CUT_LAYER, FEATURE_LAYER);
  const pooled = tf.layers.globalAveragePooling2d({ name: 'dr_pool' }).apply(features) as tf.SymbolicTensor;
  const probabilities = head.apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [probabilities, features], name: 'eyenet_dr' });
}
