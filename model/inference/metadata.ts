import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ModelInfo } from './types.ts';
import { KNOWN_PREPROCESSING, PIPELINE_PARAMS } from '../preprocess/preprocess.ts';

/** The schema of `resources/models/<name>/metadata.json`. */
export const modelMetadataSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  /** False for any model whose figures do not come from an evaluation on held-out camera images. */
  validated: z.boolean(),
  format: z.enum(['layers', 'graph']),
  inputSize: z.number().int().min(32).max(1024),
  classLabels: z.array(z.string()).length(5),
  preprocessing: z.object({ id: z.string(), params: z.record(z.string(), z.unknown()).default({}) }),
  description: z.string().default(''),
  validation: z.record(z.string(), z.unknown()).nullable().default(null),
  /** Referable-DR probability at or above which a result is flagged, chosen on validation data. */
  operatingPoint: z
    .object({
      threshold: z.number().min(0).max(1),
      targetSensitivity: z.number().min(0).max(1),
      source: z.string(),
    })
    .optional(),
  /**
   * Test-time augmentation: 'mirror' averages the probabilities (and heatmaps) of the image and its left–right
   * mirror image, at twice the inference cost. Chosen on internal validation when the model is made.
   */
  testTimeAugmentation: z.enum(['none', 'mirror']).default('none'),
  /** Class activation maps: which output holds the last feature maps, and the dense head that weighs them. */
  heatmap: z
    .object({
      method: z.literal('cam'),
      featureOutput: z.number().int().min(0),
      featureLayer: z.string(),
      headLayer: z.string(),
    })
    .optional(),
  /**
   * A network made of several models (training/base-model/make-ensemble.ts): each member a branch of the one
   * graph, the head's logits the mean of the members'. Said in the card and the About line; absent for one model.
   */
  ensemble: z
    .object({
      combine: z.literal('mean-logits'),
      members: z
        .array(z.object({ name: z.string(), version: z.string(), trainedAt: z.number().int().positive() }))
        .min(2),
    })
    .optional(),
});

export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

export function parseModelMetadata(json: unknown, source: string): ModelMetadata {
  const parsed = modelMetadataSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Invalid model metadata in ${source}: ${z.prettifyError(parsed.error)}`);
  }
  const metadata = parsed.data;
  if (!KNOWN_PREPROCESSING.includes(metadata.preprocessing.id)) {
    throw new Error(
      `Model ${metadata.name} ${metadata.version} needs preprocessing "${metadata.preprocessing.id}", ` +
        `which this version of EyeNet does not have (known: ${KNOWN_PREPROCESSING.join(', ')}).`,
    );
  }
  // Parameters are part of the contract: a model trained on one normalisation must not see another.
  for (const [key, value] of Object.entries(metadata.preprocessing.params)) {
    const ours = (PIPELINE_PARAMS as Record<string, unknown>)[key];
    if (ours !== value) {
      throw new Error(
        `Model ${metadata.name} ${metadata.version} was made with preprocessing parameter ${key}=${JSON.stringify(value)}, ` +
          `but this EyeNet uses ${JSON.stringify(ours)}.`,
      );
    }
  }
  return metadata;
}

/** Reads and checks `metadata.json` of a model folder. */
export async function readModelMetadata(dir: string): Promise<ModelMetadata> {
  const file = path.join(dir, 'metadata.json');
  return parseModelMetadata(JSON.parse(await readFile(file, 'utf8')), file);
}

/** What every result records of the model that graded it. */
export function modelInfo(metadata: ModelMetadata): ModelInfo {
  return {
    name: metadata.name,
    version: metadata.version,
    validated: metadata.validated,
    preprocessing: metadata.preprocessing.id,
  };
}
