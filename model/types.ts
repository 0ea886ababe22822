// Result types of the model package. They mirror the API contract's shapes (checked where the main process
// stores them) but model/ stays free of any Electron or app import.

export interface ModelInfo {
  name: string;
  version: string;
  validated: boolean;
  preprocessing: string;
}

export interface QualityVerdict {
  gradable: boolean;
  reasons: string[];
  metrics: Record<string, number>;
}

export interface Timings {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  /** Time to render the heatmap (0 when there is none). */
  heatmapMs: number;
  totalMs: number;
}

export interface GradeOutcome {
  quality: QualityVerdict;
  grade: number | null;
  probabilities: number[] | null;
  referableProbability: number | null;
  /** The model's operating point: at or above it the result is flagged referable. Null: no operating point. */
  referableThreshold: number | null;
  model: ModelInfo;
  backend: string;
  timings: Timings;
}

/** What grading one photograph produces: the outcome plus the images the app stores beside it. */
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
}
