import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ICDR_LABELS, type ModelMetadata } from '../model/metadata.ts';
import { PIPELINE_PARAMS, PREPROCESSING_ID } from '../model/preprocess.ts';
import { FEATURE_LAYER, HEAD_LAYER, INPUT_SIZE } from './backbone.ts';

export interface ExportInfo {
  name: string;
  version: string;
  description: string;
  operatingPoint: { threshold: number; targetSensitivity: number; source: string };
  validation: Record<string, unknown>;
}

/** Writes a model folder the app can load: model.json, weights.bin, metadata.json. */
export async function exportModel(model: tf.LayersModel, outDir: string, info: ExportInfo): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData;
      if (!(weights instanceof ArrayBuffer)) throw new Error('expected one weight buffer');
      await writeFile(path.join(outDir, 'weights.bin'), new Uint8Array(weights));
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(path.join(outDir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const metadata: ModelMetadata = {
    name: info.name,
    version: info.version,
    // A model becomes validated only through an evaluation on held-out camera images (npm run evaluate).
    validated: false,
    format: 'layers',
    inputSize: INPUT_SIZE,
    classLabels: [...ICDR_LABELS],
    preprocessing: { id: PREPROCESSING_ID, params: { ...PIPELINE_PARAMS } },
    description: info.description,
    validation: info.validation,
    operatingPoint: info.operatingPoint,
    heatmap: { method: 'cam', featureOutput: 1, featureLayer: FEATURE_LAYER, headLayer: HEAD_LAYER },
  };
  await writeFile(path.join(outDir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
}
