import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SiteSettings } from '../../contract/index.ts';

interface LocalMetadata {
  name?: string;
  version?: string;
  localValidation?: {
    derivedThreshold?: number;
    derivedPoint?: { threshold: number; sensitivity: number; specificity: number };
  };
}

/**
 * The operating point a model fine-tuned here re-derived on the clinic's held-out patients (90% sensitivity
 * there), read from its metadata, for Settings to show beside the one in force; null for a shipped model.
 */
export function localOperatingPoint(modelDir: string): SiteSettings['localOperatingPoint'] {
  let meta: LocalMetadata;
  try {
    meta = JSON.parse(readFileSync(path.join(modelDir, 'metadata.json'), 'utf8')) as LocalMetadata;
  } catch {
    return null;
  }
  const local = meta.localValidation;
  const threshold = local?.derivedPoint?.threshold ?? local?.derivedThreshold;
  if (typeof threshold !== 'number') return null;
  return {
    threshold,
    model: `${meta.name ?? '?'} ${meta.version ?? '?'}`,
    sensitivity: local?.derivedPoint?.sensitivity ?? null,
    specificity: local?.derivedPoint?.specificity ?? null,
  };
}
