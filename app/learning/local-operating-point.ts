import type { SiteSettings } from '../../contract/index.ts';
import { readMetadata } from './model-registry.ts';

/**
 * The operating point a model fine-tuned here re-derived on the clinic's held-out patients (90% sensitivity
 * there), read from its metadata, for Settings to show beside the one in force; null for a shipped model.
 */
export function localOperatingPoint(modelDir: string): SiteSettings['localOperatingPoint'] {
  const meta = readMetadata(modelDir);
  const local = meta?.localValidation;
  if (!meta || !local) return null;
  return {
    threshold: local.derivedPoint?.threshold ?? local.derivedThreshold,
    model: `${meta.name} ${meta.version}`,
    sensitivity: local.derivedPoint?.sensitivity ?? null,
    specificity: local.derivedPoint?.specificity ?? null,
  };
}
