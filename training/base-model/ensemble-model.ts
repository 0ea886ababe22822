// Builds one network out of several model folders (issue #25, route 5): one input, each member's backbone as its
// own branch (layers renamed `m<i>_…`), the members' last feature maps concatenated into one `out_relu`, global
// pooling, and one dense head whose logits are the mean of the members' logits (each member's kernel divided by
// the number of members, the biases averaged). Because it is an ordinary layers model with one head over one
// feature layer, every part of the app that reads a model folder — ONNX export, the TypeScript head, the heatmap,
// the local fine-tune's pooled features, the reference set — works on it unchanged.
import type * as tf from '@tensorflow/tfjs';
import { FEATURE_LAYER, HEAD_LAYER } from '../fine-tune/backbone.ts';
import { concatBytes } from '../../model/inference/model-artifacts.ts';

interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, Record<string, unknown>][][];
}

interface Topology {
  class_name: string;
  config: { name?: string; layers: KerasLayer[]; input_layers: unknown[][]; output_layers: unknown[][] };
  keras_version?: string;
  backend?: string;
}

export interface EnsembleMember {
  /** For messages only. */
  label: string;
  artifacts: tf.io.ModelArtifacts;
}

export interface EnsembleNetwork {
  modelJson: object;
  weights: Uint8Array;
  /** Feature channels per member, in order (the head's rows). */
  channels: number[];
}

const INPUT = 'fundus';

function floatsOf(data: ArrayBuffer, offset: number, count: number): Float32Array {
  return new Float32Array(data.slice(offset, offset + count * 4));
}

/** One member's layers and weights, renamed, without its pooling and head; its head's kernel and bias. */
function branch(member: EnsembleMember, index: number) {
  const topology = member.artifacts.modelTopology as Topology;
  const layers = topology?.config?.layers;
  if (topology?.class_name !== 'Model' || !Array.isArray(layers))
    throw new Error(`${member.label}: not a functional layers model.`);
  const input = layers.find((l) => l.class_name === 'InputLayer');
  const head = layers.find((l) => l.name === HEAD_LAYER);
  const pool = layers.find((l) => l.name === head?.inbound_nodes[0]?.[0]?.[0]);
  if (!input || !head || head.class_name !== 'Dense' || head.config.units !== 5)
    throw new Error(`${member.label}: no 5-way dense head named ${HEAD_LAYER}.`);
  if (
    !pool ||
    pool.class_name !== 'GlobalAveragePooling2D' ||
    pool.inbound_nodes[0]?.[0]?.[0] !== FEATURE_LAYER
  )
    throw new Error(`${member.label}: its head does not pool ${FEATURE_LAYER}.`);
  const prefix = `m${index}_`;
  const rename = (name: string) => (name === input.name ? INPUT : prefix + name);
  const kept = layers
    .filter((l) => l !== input && l !== head && l !== pool)
    .map((l) => ({
      ...l,
      name: rename(l.name),
      config: { ...l.config, name: rename(l.name) },
      inbound_nodes: l.inbound_nodes.map((node) =>
        node.map(([name, a, b, kwargs]) => [rename(name), a, b, kwargs] as KerasLayer['inbound_nodes'][0][0]),
      ),
    }));

  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  const data = member.artifacts.weightData;
  if (!(data instanceof ArrayBuffer)) throw new Error(`${member.label}: weights not read as one buffer.`);
  let offset = 0;
  let kernel: Float32Array | null = null;
  let bias: Float32Array | null = null;
  for (const spec of member.artifacts.weightSpecs ?? []) {
    if (spec.dtype !== 'float32' || spec.quantization)
      throw new Error(`${member.label}: ${spec.name} is not plain float32.`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.name === `${HEAD_LAYER}/kernel`) kernel = floatsOf(data, offset, count);
    else if (spec.name === `${HEAD_LAYER}/bias`) bias = floatsOf(data, offset, count);
    else {
      specs.push({ ...spec, name: prefix + spec.name });
      parts.push(new Uint8Array(data, offset, count * 4));
    }
    offset += count * 4;
  }
  if (!kernel || !bias || kernel.length % 5 !== 0)
    throw new Error(`${member.label}: ${HEAD_LAYER} weights missing.`);
  return { input, head, layers: kept, specs, parts, kernel, bias, channels: kernel.length / 5 };
}

/** The members as one network at `size` px (members trained at another size run at this one: say so in the card). */
export function buildEnsembleNetwork(members: readonly EnsembleMember[], size: number): EnsembleNetwork {
  if (members.length < 2) throw new Error('An ensemble needs at least two members.');
  const branches = members.map(branch);
  const n = branches.length;
  const channels = branches.map((b) => b.channels);
  const total = channels.reduce((a, b) => a + b, 0);
  // Rows of the head: member i's kernel rows, divided by n, so the logits are the members' mean.
  const kernel = new Float32Array(total * 5);
  const bias = new Float32Array(5);
  let row = 0;
  for (const b of branches) {
    for (let i = 0; i < b.kernel.length; i++) kernel[row * 5 + i] = b.kernel[i]! / n;
    for (let k = 0; k < 5; k++) bias[k] = bias[k]! + b.bias[k]! / n;
    row += b.channels;
  }
  const first = branches[0]!;
  const inputLayer: KerasLayer = {
    ...first.input,
    name: INPUT,
    config: { ...first.input.config, name: INPUT, batch_input_shape: [null, size, size, 3] },
  };
  const node = (name: string): KerasLayer['inbound_nodes'][0][0] => [name, 0, 0, {}];
  const concat: KerasLayer = {
    name: FEATURE_LAYER,
    class_name: 'Concatenate',
    config: { axis: -1, name: FEATURE_LAYER, trainable: true },
    inbound_nodes: [branches.map((_, i) => node(`m${i}_${FEATURE_LAYER}`))],
  };
  const pool: KerasLayer = {
    name: 'dr_pool',
    class_name: 'GlobalAveragePooling2D',
    config: { data_format: 'channels_last', name: 'dr_pool', trainable: true },
    inbound_nodes: [[node(FEATURE_LAYER)]],
  };
  // The members' head config names their own input width; the ensemble's head takes all the channels.
  const { batch_input_shape: _width, ...headConfig } = first.head.config;
  const head: KerasLayer = { ...first.head, config: headConfig, inbound_nodes: [[node('dr_pool')]] };
  const topology: Topology = {
    class_name: 'Model',
    config: {
      name: 'eyenet_ensemble',
      layers: [inputLayer, ...branches.flatMap((b) => b.layers), concat, pool, head],
      input_layers: [[INPUT, 0, 0]],
      output_layers: [
        [HEAD_LAYER, 0, 0],
        [FEATURE_LAYER, 0, 0],
      ],
    },
    keras_version: (members[0]!.artifacts.modelTopology as Topology).keras_version ?? 'tfjs-layers',
    backend: 'tensor_flow.js',
  };
  const specs = [
    ...branches.flatMap((b) => b.specs),
    { name: `${HEAD_LAYER}/kernel`, shape: [total, 5], dtype: 'float32' as const },
    { name: `${HEAD_LAYER}/bias`, shape: [5], dtype: 'float32' as const },
  ];
  const weights = concatBytes([...branches.flatMap((b) => b.parts), kernel, bias]);
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'EyeNet training/base-model/ensemble-model.ts',
      convertedBy: null,
      modelTopology: topology,
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    },
    weights,
    channels,
  };
}
