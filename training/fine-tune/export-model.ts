import { GRADE_NAMES } from '../../domain/grades.ts';
import type * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { saveLayersModel } from './save-layers-model.ts';
import type { ModelMetadata } from '../../model/inference/metadata.ts';
import { PIPELINE_PARAMS, PREPROCESSING_ID } from '../../model/preprocess/preprocess.ts';
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
  await saveLayersModel(model, outDir);
  const metadata: ModelMetadata = {
    name: info.name,
    version: info.version,
    // A model becomes validated only through an evaluation on held-out camera images (npm run evaluate).
    validated: false,
    format: 'layers',
    inputSize: INPUT_SIZE,
    classLabels: [...GRADE_NAMES],
    preprocessing: { id: PREPROCESSING_ID, params: { ...PIPELINE_PARAMS } },
    description: info.description,
    validation: info.validation,
    operatingPoint: info.operatingPoint,
    testTimeAugmentation: 'none',
    heatmap: { method: 'cam', featureOutput: 1, featureLayer: FEATURE_LAYER, headLayer: HEAD_LAYER },
  };
  await writeFile(path.join(outDir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
}
