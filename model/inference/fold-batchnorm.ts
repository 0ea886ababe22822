import type * as tf from '@tensorflow/tfjs';
import { concatBytes } from './model-artifacts.ts';

// BatchNorm after a convolution is an affine map per output channel, so at inference it can live in the
// convolution's kernel and bias. tfjs-wasm spends ~40% of MobileNetV2's time in its BatchNorm kernels; folding
// them at load time makes the fallback engine faster with the same outputs (`npm run bench` times it with and
// without; onnx-model.test.ts checks the outputs).

interface KerasLayer {
  class_name: string;
  name?: string;
  config: Record<string, unknown> & { name: string };
  inbound_nodes: unknown[][][];
}

interface KerasTopology {
  config: { layers: KerasLayer[]; output_layers: unknown[][] };
}

const nameOf = (layer: KerasLayer) => layer.config.name ?? layer.name;
const inboundNames = (layer: KerasLayer): string[] =>
  (layer.inbound_nodes[0] ?? []).map((node) => String(node[0]));

/** Returns the artifacts with every BatchNormalization that only follows a convolution folded into it. */
export function foldBatchNorm(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const topology = artifacts.modelTopology as KerasTopology | undefined;
  const specs = artifacts.weightSpecs;
  const data = artifacts.weightData;
  if (!topology?.config?.layers || !specs || !(data instanceof ArrayBuffer)) return artifacts;
  const layers = topology.config.layers;
  // Only functional models are rewired; a Sequential one (the placeholder) has no inbound nodes and stays as it is.
  if (!Array.isArray(layers) || layers.some((l) => !Array.isArray(l.inbound_nodes))) return artifacts;
  const byName = new Map(layers.map((l) => [nameOf(l), l]));
  const consumers = new Map<string, number>();
  for (const layer of layers)
    for (const name of inboundNames(layer)) consumers.set(name, (consumers.get(name) ?? 0) + 1);

  // Weights by name (float32 only: anything else is left as it is).
  const values = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype !== 'float32' || spec.quantization) return artifacts;
    values.set(spec.name, new Float32Array(data.slice(offset, offset + count * 4)));
    offset += count * 4;
  }

  const folded = new Map<string, string>(); // BatchNorm name → the convolution it went into
  const addedBias = new Map<string, Float32Array>();
  for (const layer of layers) {
    if (layer.class_name !== 'BatchNormalization') continue;
    const [source] = inboundNames(layer);
    const conv = source === undefined ? undefined : byName.get(source);
    if (!conv || !['Conv2D', 'DepthwiseConv2D'].includes(conv.class_name) || consumers.get(source!) !== 1)
      continue;
    if (conv.config.activation && conv.config.activation !== 'linear') continue;
    const bn = nameOf(layer);
    const kernelName = `${source}/${conv.class_name === 'Conv2D' ? 'kernel' : 'depthwise_kernel'}`;
    const kernel = values.get(kernelName);
    const mean = values.get(`${bn}/moving_mean`);
    const variance = values.get(`${bn}/moving_variance`);
    if (!kernel || !mean || !variance) continue;
    const channels = mean.length;
    const gamma = values.get(`${bn}/gamma`) ?? new Float32Array(channels).fill(1);
    const beta = values.get(`${bn}/beta`) ?? new Float32Array(channels);
    const oldBias = values.get(`${source}/bias`) ?? new Float32Array(channels);
    const epsilon = Number(layer.config.epsilon ?? 1e-3);
    const scale = new Float32Array(channels);
    const bias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      scale[c] = gamma[c]! / Math.sqrt(variance[c]! + epsilon);
      bias[c] = beta[c]! + (oldBias[c]! - mean[c]!) * scale[c]!;
    }
    // Conv2D [kh, kw, in, out] and DepthwiseConv2D [kh, kw, in, mult]: the output channel is the fastest index
    // (in × mult + m for the depthwise one).
    for (let i = 0; i < kernel.length; i++) kernel[i]! *= scale[i % channels]!;
    addedBias.set(source!, bias);
    conv.config.use_bias = true;
    folded.set(bn, source!);
  }
  if (folded.size === 0) return artifacts;

  const keptLayers = layers.filter((l) => !folded.has(nameOf(l)));
  for (const layer of keptLayers)
    for (const node of layer.inbound_nodes[0] ?? []) {
      const target = folded.get(String(node[0]));
      if (target) node[0] = target;
    }
  for (const output of topology.config.output_layers) {
    const target = folded.get(String(output[0]));
    if (target) output[0] = target;
  }
  topology.config.layers = keptLayers;

  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Float32Array[] = [];
  for (const spec of specs) {
    const layer = spec.name.slice(0, spec.name.lastIndexOf('/'));
    if (folded.has(layer)) continue;
    if (addedBias.has(layer) && spec.name.endsWith('/bias')) continue; // replaced below
    outSpecs.push(spec);
    chunks.push(values.get(spec.name)!);
    const bias = addedBias.get(layer);
    if (bias && !spec.name.endsWith('/bias')) {
      outSpecs.push({ name: `${layer}/bias`, shape: [bias.length], dtype: 'float32' });
      chunks.push(bias);
    }
  }
  const weightData = concatBytes(chunks);
  return { ...artifacts, modelTopology: topology, weightSpecs: outSpecs, weightData: weightData.buffer };
}
