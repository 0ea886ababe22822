// Photographs and their results: import, the stored files, the model's grade.

import type { Eye } from '../domain/eye.ts';
import type { GradeOutcome } from '../domain/results.ts';
import type { Review } from './reviews.ts';

export interface GradeResult extends GradeOutcome {
  id: number;
  imageId: number;
  /** A heatmap of where the model saw referable-DR evidence is stored (`images:file` kind `heatmap`). */
  hasHeatmap: boolean;
  createdAt: string;
}

export interface FundusImage {
  id: number;
  visitId: number;
  eye: Eye;
  fileName: string;
  sha256: string;
  width: number;
  height: number;
  importedAt: string;
  result: GradeResult | null;
  /** The latest clinician review of `result`, null while unreviewed. */
  review: Review | null;
}

export interface ImportImageInput {
  visitId: number;
  /** The eye chosen by the user; when absent it is read from `_left`/`_right` in the file name. */
  eye?: Eye;
  fileName: string;
  bytes: Uint8Array;
}

export interface ImportImageOutput {
  image: FundusImage;
  /** True when this exact photograph was already imported for this visit and eye. */
  duplicate: boolean;
  /** Set when the eye chosen by the user disagrees with `_left`/`_right` in the file name. */
  eyeWarning: string | null;
}

export interface ImageFile {
  mimeType: string;
  bytes: Uint8Array;
}

/** Channels of the images area. */
export interface ImagesApi {
  'images:import': { input: ImportImageInput; output: ImportImageOutput };
  'images:file': {
    input: { imageId: number; kind: 'original' | 'thumbnail' | 'preview' | 'heatmap' };
    output: ImageFile;
  };
}
