// What grading one photograph produces in model/: the outcome (shared vocabulary, domain/results.ts) plus the
// images the app stores beside it.
import type { GradeOutcome } from '../../domain/results.ts';

export type { GradeOutcome, ModelInfo, Timings } from '../../domain/results.ts';
export type { QualityVerdict } from '../../domain/quality.ts';

export interface GradedImage extends GradeOutcome {
  width: number;
  height: number;
  mimeType: string;
  /** PNG of exactly the pixels the model saw. */
  previewPng: Uint8Array;
  /** Small JPEG for lists and the patient page. */
  thumbnailJpeg: Uint8Array;
  /** RGBA PNG over the preview: where the model saw referable-DR evidence; null without a heatmap. */
  heatmapPng: Uint8Array | null;
  /** RGBA PNG over the preview: the bright-lesion evidence near the fovea the maculopathy head weighed; null when not assessed. */
  maculopathyEvidencePng: Uint8Array | null;
}
