/** Why the quality gate found a photograph ungradable (model/quality/quality.ts gives them). */
export type QualityReason =
  'no_fundus' | 'not_fundus' | 'too_dark' | 'over_exposed' | 'blurred' | 'small_field';

export const QUALITY_REASONS: Record<QualityReason, string> = {
  no_fundus: 'No fundus found in the photograph',
  too_dark: 'Too dark',
  over_exposed: 'Over-exposed',
  blurred: 'Blurred',
  small_field: 'Field of view too small',
  not_fundus: 'Not a fundus photograph',
};

export interface QualityVerdict {
  gradable: boolean;
  /** Reason codes, e.g. `too_dark`; empty when gradable. */
  reasons: QualityReason[];
  metrics: Record<string, number>;
}
