// The maculopathy head (issue #23): a small logistic model beside the DR grade, stored in the model folder as
// `maculopathy-head.json` by `npm run maculopathy:head`. Its inputs are what the grading already has — the DR
// head's referable logit (maculopathy travels with retinopathy severity) and the bright-lesion evidence within one
// and two disc diameters of the located fovea — so it adds no network pass and leaves the DR grade untouched.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const MACULOPATHY_HEAD_FILE = 'maculopathy-head.json';

/** The inputs, in order (bright-lesion shares as log(share + 0.001): heavy-tailed, mostly near zero). */
export const MACULOPATHY_INPUTS = [
  'referableLogit',
  'strongNear',
  'strongRing',
  'mildNear',
  'mildRing',
] as const;

const interval = z.object({ low: z.number(), high: z.number() });

export const maculopathyHeadSchema = z.object({
  format: z.literal('eyenet-maculopathy-head-1'),
  inputs: z.array(z.enum(MACULOPATHY_INPUTS)).length(MACULOPATHY_INPUTS.length),
  /** The model whose referable logit it was fitted on: with any other it does not run (the input would differ). */
  fittedOn: z.object({ name: z.string(), version: z.string() }),
  model: z.object({
    mean: z.array(z.number()),
    sd: z.array(z.number().positive()),
    weights: z.array(z.number()),
    bias: z.number(),
  }),
  /** Probability at or above which an eye is flagged, chosen for `targetSensitivity` on out-of-fold scores. */
  threshold: z.number().min(0).max(1),
  targetSensitivity: z.number().min(0).max(1),
  /** Patient-fold cross-validation of the same recipe on the fitting set, written by the fitting run. */
  crossValidation: z.object({
    set: z.string(),
    photographs: z.number().int(),
    patients: z.number().int(),
    positives: z.number().int(),
    folds: z.number().int(),
    auc: z.number(),
    auc95: interval,
    sensitivity: z.number(),
    specificity: z.number(),
    /** Recipes compared on the same folds before this one was chosen (the figures are optimistic by that choice). */
    recipesCompared: z.number().int().min(1),
  }),
  recipe: z.object({ l2: z.number(), steps: z.number().int(), rate: z.number() }),
});
export type MaculopathyHead = z.infer<typeof maculopathyHeadSchema>;

/** The head in a model folder, or null when the model has none (it then says "not assessed by this model"). */
export async function readMaculopathyHead(modelDir: string): Promise<MaculopathyHead | null> {
  const file = path.join(modelDir, MACULOPATHY_HEAD_FILE);
  if (!existsSync(file)) return null;
  const parsed = maculopathyHeadSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`Invalid ${MACULOPATHY_HEAD_FILE} in ${modelDir}: ${z.prettifyError(parsed.error)}`);
  const { model } = parsed.data;
  const d = MACULOPATHY_INPUTS.length;
  if (model.mean.length !== d || model.sd.length !== d || model.weights.length !== d)
    throw new Error(`${MACULOPATHY_HEAD_FILE} in ${modelDir}: the model does not take ${d} inputs.`);
  return parsed.data;
}

/**
 * The head in a model folder when it was fitted on that very model (name and version), else null: a head fitted on
 * another model's referable logit would read a different input.
 */
export async function readMaculopathyHeadFor(
  modelDir: string,
  model: { name: string; version: string },
): Promise<MaculopathyHead | null> {
  const head = await readMaculopathyHead(modelDir);
  return head && head.fittedOn.name === model.name && head.fittedOn.version === model.version ? head : null;
}
