/** Why the quality gate found a photograph ungradable (model/quality/quality.ts gives them). */
export type QualityReason =
  'no_fundus' | 'not_fundus' | 'too_dark' | 'over_exposed' | 'blurred' | 'small_field' | 'region_obscured';

export const QUALITY_REASONS: Record<QualityReason, string> = {
  no_fundus: 'No fundus found in the photograph',
  too_dark: 'Too dark',
  over_exposed: 'Over-exposed',
  blurred: 'Blurred',
  small_field: 'Field of view too small',
  not_fundus: 'Not a fundus photograph',
  region_obscured: 'Part of the retina too dark to grade',
};

/**
 * The regions a grader needs, each judged on its own (an average can hide a half-black frame): the four quadrants
 * of the fundus as the photograph shows them, the macula (within a disc diameter of the fovea) and the optic disc,
 * both where the photograph shows them (model/anatomy/locate.ts; the centre when they cannot be found).
 */
export const QUALITY_REGIONS = {
  upperLeft: 'upper-left quadrant',
  upperRight: 'upper-right quadrant',
  lowerLeft: 'lower-left quadrant',
  lowerRight: 'lower-right quadrant',
  macula: 'macula',
  disc: 'optic disc',
} as const;
export type QualityRegion = keyof typeof QUALITY_REGIONS;

export interface QualityVerdict {
  gradable: boolean;
  /** Reason codes, e.g. `too_dark`; empty when gradable. */
  reasons: QualityReason[];
  metrics: Record<string, number>;
  /** With `region_obscured`: which regions failed (verdicts from before regions were judged have none). */
  regions?: QualityRegion[];
}

/** Each reason in a sentence, naming the regions that failed where the verdict says which. */
export function qualityReasonTexts(verdict: Pick<QualityVerdict, 'reasons' | 'regions'>): string[] {
  return verdict.reasons.map((r) =>
    r === 'region_obscured' && verdict.regions?.length
      ? `${QUALITY_REASONS[r]}: ${verdict.regions.map((g) => QUALITY_REGIONS[g]).join(', ')}`
      : (QUALITY_REASONS[r] ?? r),
  );
}
