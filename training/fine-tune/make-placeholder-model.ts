// Writes the placeholder model the app ships until a trained one exists: a small CNN with seeded random
// weights. It produces grades that mean nothing; its metadata says `validated: false` and the app, CLI and
// model card all say so. Run: npx tsx training/fine-tune/make-placeholder-model.ts [outDir]
import { GRADE_NAMES } from '../../domain/grades.ts';
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { saveLayersModel } from './save-layers-model.ts';
import { initBackend } from '../../model/inference/backend.ts';
import type { ModelMetadata } from '../../model/inference/metadata.ts';
import { PIPELINE_PARAMS, PREPROCESSING_ID } from '../../model/preprocess/preprocess.ts';

const INPUT_SIZE = 224;
const SEED = 2017;

function buildNet(): tf.Sequential {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: SEED + offset });
  const net = tf.sequential();
  net.add(
    tf.layers.conv2d({
      inputShape: [INPUT_SIZE, INPUT_SIZE, 3],
      filters: 8,
      kernelSize: 3,
      strides: 2,
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  net.add(
    tf.layers.conv2d({
      filters: 16,
      kernelSize: 3,
      strides: 2,
      activation: 'relu',
      kernelInitializer: init(2),
    }),
  );
  net.add(
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      strides: 2,
      activation: 'relu',
      kernelInitializer: init(3),
    }),
  );
  net.add(tf.layers.globalAveragePooling2d({}));
  net.add(tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(4) }));
  return net;
}

export async function writePlaceholderModel(outDir: string): Promise<void> {
  await initBackend();
  const net = buildNet();
  await saveLayersModel(net, outDir);
  const metadata: ModelMetadata = {
    name: 'eyenet-placeholder',
    version: '0.0.1-placeholder',
    validated: false,
    format: 'layers',
    inputSize: INPUT_SIZE,
    classLabels: [...GRADE_NAMES],
    preprocessing: { id: PREPROCESSING_ID, params: { ...PIPELINE_PARAMS } },
    description:
      'PLACEHOLDER, NOT VALIDATED: random weights (seed 2017), never trained. Its grades mean nothing. ' +
      'It exists so the app can be built and tested end to end until the trained model ships.',
    validation: null,
    testTimeAugmentation: 'none',
  };
  await writeFile(path.join(outDir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  net.dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? path.join('resources', 'models', 'placeholder');
  await writePlaceholderModel(out);
  console.log(`Wrote placeholder model to ${out}`);
}
