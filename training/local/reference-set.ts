// A model's reference set: what a local fine-tune is checked against besides the clinic's own patients, so that
// learning one clinic cannot quietly unlearn the rest. It ships inside the model folder, and it holds no
// photographs: only the backbone's pooled features of public labelled camera photographs (the local fine-tune
// retrains the head alone, so base and candidate both read the same features), with their grades, the public
// image names and each file's SHA-256 (a clinic that happens to train on one of them does not judge by it).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REFERENCE_FILE = 'reference-features.json';
const FORMAT = 'eyenet-reference-features/1';

export interface ReferenceSet {
  /** Where the photographs came from, in a sentence (shown with the figures). */
  source: string;
  names: string[];
  /** Public patient numbers (the part of the name before the eye): the bootstrap resamples these. */
  patients: string[];
  sha256: string[];
  levels: number[];
  /** Pooled features, one row per photograph, as stored (8 bits per value, scaled per channel). */
  features: Float32Array[];
}

interface StoredReference {
  format: typeof FORMAT;
  source: string;
  model: { name: string; version: string };
  channels: number;
  /** value = byte × scale[channel]: the features are non-negative (pooled ReLU6 maps). */
  scale: number[];
  names: string[];
  patients: string[];
  sha256: string[];
  levels: number[];
  /** base64 of count × channels bytes, row-major. */
  features: string;
}

/** Eight bits per value, scaled per channel to its largest value: a few hundred rows stay well under a megabyte. */
export function encodeReference(
  set: ReferenceSet,
  model: { name: string; version: string },
): StoredReference {
  const channels = set.features[0]?.length ?? 0;
  const scale = Array.from(
    { length: channels },
    (_, c) => Math.max(1e-12, ...set.features.map((row) => row[c]!)) / 255,
  );
  const bytes = new Uint8Array(set.features.length * channels);
  set.features.forEach((row, r) => {
    for (let c = 0; c < channels; c++)
      bytes[r * channels + c] = Math.max(0, Math.min(255, Math.round(row[c]! / scale[c]!)));
  });
  return {
    format: FORMAT,
    source: set.source,
    model,
    channels,
    scale,
    names: set.names,
    patients: set.patients,
    sha256: set.sha256,
    levels: set.levels,
    features: Buffer.from(bytes).toString('base64'),
  };
}

/** The reference set in a model folder, or null when it ships none (a model may; the placeholder does not). */
export function readReferenceSet(modelDir: string): ReferenceSet | null {
  let stored: StoredReference;
  try {
    stored = JSON.parse(readFileSync(path.join(modelDir, REFERENCE_FILE), 'utf8')) as StoredReference;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${REFERENCE_FILE} in ${modelDir} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const n = stored.names?.length ?? 0;
  const bytes = Buffer.from(stored.features ?? '', 'base64');
  if (
    stored.format !== FORMAT ||
    !(stored.channels > 0) ||
    stored.scale?.length !== stored.channels ||
    [stored.patients, stored.sha256, stored.levels].some((a) => a?.length !== n) ||
    bytes.length !== n * stored.channels
  )
    throw new Error(`${REFERENCE_FILE} in ${modelDir} is damaged or of an unknown format.`);
  const features = Array.from({ length: n }, (_, r) => {
    const row = new Float32Array(stored.channels);
    for (let c = 0; c < stored.channels; c++) row[c] = bytes[r * stored.channels + c]! * stored.scale[c]!;
    return row;
  });
  return {
    source: stored.source,
    names: stored.names,
    patients: stored.patients,
    sha256: stored.sha256,
    levels: stored.levels,
    features,
  };
}
