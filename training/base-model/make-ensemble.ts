// `npm run model:ensemble -- --member DIR --member DIR [...] --out DIR --version V [--size 256] [--python P]`
// Maintainer's tool (issue #25, route 5): one model folder whose network runs every member on the same photograph
// and averages their logits (ensemble-model.ts), then its ONNX backbone (npm run model:onnx). The result has no
// operating point yet: store one from the camera-look folds (npm run evaluate -- --folds … --store-point).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GRADE_NAMES } from '../../domain/grades.ts';
import type { ModelMetadata } from '../../model/inference/metadata.ts';
import { readModelMetadata } from '../../model/inference/metadata.ts';
import { readModelArtifacts } from '../../model/inference/model-artifacts.ts';
import { FEATURE_LAYER, HEAD_LAYER } from '../fine-tune/backbone.ts';
import { buildEnsembleNetwork } from './ensemble-model.ts';
import { exportOnnx } from './export-onnx.ts';

export interface MakeEnsembleOptions {
  members: string[];
  out: string;
  name?: string;
  version: string;
  size?: number;
  python?: string;
  /** Skip the ONNX export (tests of the network itself). */
  onnx?: boolean;
}

export async function makeEnsemble(options: MakeEnsembleOptions): Promise<ModelMetadata> {
  const metas = await Promise.all(options.members.map((dir) => readModelMetadata(dir)));
  const first = metas[0]!;
  for (const m of metas) {
    if (m.preprocessing.id !== first.preprocessing.id)
      throw new Error(
        `${m.name} ${m.version} uses preprocessing ${m.preprocessing.id}, not ${first.preprocessing.id}.`,
      );
    if (m.testTimeAugmentation !== 'none')
      throw new Error(`${m.name} ${m.version} averages mirror images; make the ensemble from plain members.`);
  }
  const size = options.size ?? Math.max(...metas.map((m) => m.inputSize));
  const network = buildEnsembleNetwork(
    await Promise.all(
      options.members.map(async (dir, i) => ({
        label: `${metas[i]!.name} ${metas[i]!.version}`,
        artifacts: await readModelArtifacts(dir),
      })),
    ),
    size,
  );
  const names = metas.map((m) => m.version).join(' + ');
  const metadata: ModelMetadata = {
    name: options.name ?? first.name,
    version: options.version,
    validated: false,
    format: 'layers',
    inputSize: size,
    classLabels: [...GRADE_NAMES],
    preprocessing: first.preprocessing,
    description:
      `Ensemble of ${names} (MobileNetV2 each): both networks grade every photograph at ${size} px and their ` +
      'logits are averaged; see MODEL_CARD.md.',
    validation: null,
    testTimeAugmentation: 'none',
    heatmap: { method: 'cam', featureOutput: 1, featureLayer: FEATURE_LAYER, headLayer: HEAD_LAYER },
    ensemble: {
      combine: 'mean-logits',
      members: metas.map((m) => ({ name: m.name, version: m.version, trainedAt: m.inputSize })),
    },
  };
  await mkdir(options.out, { recursive: true });
  await writeFile(path.join(options.out, 'model.json'), `${JSON.stringify(network.modelJson)}\n`);
  await writeFile(path.join(options.out, 'weights.bin'), network.weights);
  await writeFile(path.join(options.out, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  if (options.onnx !== false) await exportOnnx(options.out, options.python);
  return metadata;
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      member: { type: 'string', multiple: true },
      out: { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      size: { type: 'string' },
      python: { type: 'string' },
    },
  });
  if (!values.member || values.member.length < 2 || !values.out || !values.version) {
    console.error(
      'Usage: npm run model:ensemble -- --member DIR --member DIR --out DIR --version V [--size S]',
    );
    process.exit(2);
  }
  const metadata = await makeEnsemble({
    members: values.member.map((m) => path.resolve(m)),
    out: path.resolve(values.out),
    name: values.name,
    version: values.version,
    size: values.size ? Number(values.size) : undefined,
    python: values.python,
  });
  console.log(`${metadata.name} ${metadata.version}: ${metadata.description}`);
  console.log(`wrote ${values.out} (model.json, weights.bin, metadata.json, model.onnx, onnx-check.json)`);
}
