import type { MaculopathyOutcome } from './maculopathy.ts';
import type { QualityVerdict } from './quality.ts';

/** Which model graded a result: recorded with every result. */
export interface ModelInfo {
  name: string;
  version: string;
  validated: boolean;
  preprocessing: string;
}

export interface Timings {
  decodeMs: number;
  preprocessMs: number;
  /** The quality gate (not stored with a result: the bench reads it). */
  qualityMs?: number;
  inferenceMs: number;
  /** Time to render the heatmap (0 when there is none). */
  heatmapMs: number;
  totalMs: number;
}

/** What grading one photograph decides; stored as a result and sent to the renderer. */
export interface GradeOutcome {
  quality: QualityVerdict;
  /** ICDR grade 0–4, null when the image is ungradable: no grade is ever produced for such an image. */
  grade: number | null;
  /** Probabilities of ICDR grades 0..4, null when ungradable. */
  probabilities: number[] | null;
  /** Probability of referable DR (grade >= 2), null when ungradable. */
  referableProbability: number | null;
  /** The operating point in force when graded: at or above it the eye is flagged referable. */
  referableThreshold: number | null;
  /**
   * Maculopathy from the photograph (the model's maculopathy head); absent or `not_assessed` when the model has
   * none — shown as "not assessed by this model", never as a blank that reads as "none".
   */
  maculopathy?: MaculopathyOutcome;
  model: ModelInfo;
  /** The compute backend that produced it (tensorflow, wasm, cpu). */
  backend: string;
  timings: Timings;
}
