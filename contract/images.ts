// Photographs and their results: import, the stored files, the model's grade.

import type { Eye } from '../domain/eye.ts';
import type { GradeOutcome } from '../domain/results.ts';
import type { Reading, ReadingStage, ReadingSummary, Review } from './readings.ts';
import type { NewVisit } from './visit-input.ts';

export interface GradeResult extends GradeOutcome {
  id: number;
  imageId: number;
  /** A heatmap of where the model saw referable-DR evidence is stored (`images:file` kind `heatmap`). */
  hasHeatmap: boolean;
  /** A map of the bright-lesion evidence near the fovea is stored (`images:file` kind `maculopathy`). */
  hasMaculopathyEvidence: boolean;
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
  /** The camera's DICOM identity, for a photograph imported from a DICOM file; null otherwise. */
  dicom: DicomIdentity | null;
  result: GradeResult | null;
  /** The latest clinician review of `result`, null while unreviewed. */
  review: Review | null;
  /** Its readings (first, second, arbitration) and where they stand; null while unreviewed. */
  reading: ReadingSummary | null;
  /** Every review of `result`, oldest first: an amendment adds one, and the earlier ones stay. */
  reviewHistory: (Reading & { stage: ReadingStage })[];
  /**
   * The result before `result`, when the photograph was re-graded (with another model): its grade and the
   * clinician's, kept beside the new one.
   */
  earlier: EarlierResult | null;
}

export interface EarlierResult {
  resultId: number;
  modelName: string;
  modelVersion: string;
  /** Null when that model found the photograph ungradable. */
  grade: number | null;
  referableProbability: number | null;
  /** The clinician's grade on that result, when it was reviewed (null: unreviewed, or confirmed ungradable). */
  clinicianGrade: number | null;
  reviewed: boolean;
  createdAt: string;
}

export interface DicomIdentity {
  sopInstanceUid: string;
  sopClassUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  /** Which frame of a multi-frame file (0 for a single-frame one). */
  frame: number;
  /** The camera's maker and model from the header ('' when it names none). */
  camera?: string;
}

interface ImportImageFields {
  /** The eye chosen by the user; when absent it is read from `_left`/`_right` in the file name. */
  eye?: Eye;
  /**
   * The user saw that the file name names the other eye and still chose `eye`. Without it such an import is
   * refused with NEEDS_CONFIRMATION before anything is stored.
   */
  confirmEye?: boolean;
  fileName: string;
  bytes: Uint8Array;
}

/**
 * Into an existing visit, or into the patient's visit of a date, opened in the same transaction as the photograph
 * (a batch import): a photograph that fails leaves no empty visit behind.
 */
export type ImportImageInput = ImportImageFields & ({ visitId: number } | { visit: NewVisit });

export interface ImportImageOutput {
  image: FundusImage;
  /** True when this exact photograph was already imported for this visit and eye. */
  duplicate: boolean;
  /** Set when the user confirmed an eye that disagrees with `_left`/`_right` in the file name. */
  eyeWarning: string | null;
}

/**
 * `original`: the file as imported; `thumbnail`; `preview`: what the model saw; `heatmap`; and for the viewer,
 * full-resolution JPEG views: `full` (as photographed), `redfree` (green channel, the red-free view graders use
 * for vessels and haemorrhages), `enhanced` (local contrast enhancement, CLAHE) and `brightened` (a dim photograph
 * brought to normal brightness, to see what the quality gate judged).
 */
export type ImageKind =
  | 'original'
  | 'thumbnail'
  | 'preview'
  | 'heatmap'
  | 'maculopathy'
  | 'full'
  | 'redfree'
  | 'enhanced'
  | 'brightened';

/** A camera original is rarely over 15 MB; 64 MB refuses accidents without refusing real photographs. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export interface ImageMove {
  imageId: number;
  /** The eye it belongs to; unchanged when absent. */
  eye?: Eye;
  /** The visit it belongs to (of this or another patient); unchanged when absent. */
  visitId?: number;
  reason: string;
}

export interface ImageFile {
  mimeType: string;
  bytes: Uint8Array;
  /** Whose photograph it is (the audit log names the patient of every photograph opened). */
  patientId: number;
}

/** Channels of the images area. */
export interface ImagesApi {
  'images:import': { input: ImportImageInput; output: ImportImageOutput };
  'images:file': {
    input: { imageId: number; kind: ImageKind };
    output: ImageFile;
  };
  /** Results and reviews follow the photograph. */
  'images:move': { input: ImageMove; output: FundusImage };
  /**
   * Grades the photograph again with the model grading now: a new result a clinician reviews again; the earlier
   * result, its grade and its review are kept beside it.
   */
  'images:regrade': { input: { imageId: number }; output: FundusImage };
}
