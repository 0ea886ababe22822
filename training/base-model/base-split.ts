import path from 'node:path';
import { sharedDataDir } from '../../model/inference/model-paths.ts';
import { readKaggleLabels, splitByPatient, type LabelledImage } from '../data/dataset.ts';

/** Where the base model's training photographs are read from (the defaults of the maintainer's tools). */
const SHARED_DATA = sharedDataDir();
export const BASE_DATA = {
  images: path.join(SHARED_DATA, 'eyepacs-256', 'images'),
  labels: path.join(SHARED_DATA, 'eyepacs-256', 'trainLabels.csv'),
  alsoImages: path.join(SHARED_DATA, 'eyepacs-1024-paired', 'images'),
  alsoLabels: path.join(SHARED_DATA, 'eyepacs-1024-paired', 'trainLabels.csv'),
};

export interface BaseSplit {
  /** eyepacs-256 photographs of training patients. */
  train: LabelledImage[];
  /** Natural-colour copies of training photographs (their patients are always on the training side). */
  extra: LabelledImage[];
  /** Held-out eyepacs-256 patients: internal validation, the only set a candidate is chosen by. */
  validation: LabelledImage[];
}

/**
 * The split `npm run train` makes (same seed and fraction; paired patients forced to the training side), so
 * the base model's internal-validation figures compare with the models before it.
 */
export function baseSplit(
  options: {
    images?: string;
    labels?: string;
    alsoImages?: string;
    alsoLabels?: string;
    seed?: number;
    validationFraction?: number;
    /** Keep only the first N patients (tests). */
    limit?: number;
  } = {},
): BaseSplit {
  const o = { ...BASE_DATA, seed: 2017, validationFraction: 0.1, ...options };
  let main = readKaggleLabels(o.labels, o.images).images;
  let extra = readKaggleLabels(o.alsoLabels, o.alsoImages).images;
  if (o.limit !== undefined) {
    const keep = new Set([...new Set(main.map((i) => i.patient))].slice(0, o.limit));
    main = main.filter((i) => keep.has(i.patient));
    extra = extra.filter((i) => keep.has(i.patient));
  }
  const forceTrain = new Set(extra.map((i) => i.patient));
  const split = splitByPatient(main, { validationFraction: o.validationFraction, seed: o.seed, forceTrain });
  return { train: split.train, extra, validation: split.validation };
}
