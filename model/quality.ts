import type { FieldOfView } from './fov.ts';
import type { QualityVerdict } from './types.ts';

/**
 * Provisional thresholds for the first quality gate. They catch the plainly unusable frame (no fundus, nearly
 * black, blown out); the calibrated gate with blur and field-of-view checks replaces them.
 */
export const QUALITY_THRESHOLDS = {
  minFovFraction: 0.1,
  minMeanLuminance: 0.08,
  maxMeanLuminance: 0.85,
  maxSaturatedFraction: 0.3,
} as const;

export function assessQuality(rgb: Uint8Array, fov: FieldOfView): QualityVerdict {
  let sum = 0;
  let saturated = 0;
  let count = 0;
  for (let p = 0; p < fov.mask.length; p++) {
    if (!fov.mask[p]) continue;
    const i = p * 3;
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    sum += (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    if (r >= 250 && g >= 250 && b >= 250) saturated++;
    count++;
  }
  const meanLuminance = count ? sum / count : 0;
  const saturatedFraction = count ? saturated / count : 0;
  const reasons: string[] = [];
  const t = QUALITY_THRESHOLDS;
  if (fov.fraction < t.minFovFraction || fov.width === 0 || fov.height === 0) reasons.push('no_fundus');
  else {
    if (meanLuminance < t.minMeanLuminance) reasons.push('too_dark');
    if (meanLuminance > t.maxMeanLuminance || saturatedFraction > t.maxSaturatedFraction)
      reasons.push('over_exposed');
  }
  return {
    gradable: reasons.length === 0,
    reasons,
    metrics: {
      fovFraction: round(fov.fraction),
      meanLuminance: round(meanLuminance),
      saturatedFraction: round(saturatedFraction),
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
