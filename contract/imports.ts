// Batch import: matching file names to patients and eyes before anything is stored.

import type { Eye } from '../domain/eye.ts';
import type { ImportImageOutput } from './images.ts';
import type { NewPatient } from './patients.ts';
import type { PatientRef } from './refs.ts';

export interface ImportTargetPattern {
  kind: 'pattern';
  /** Defaults to the site's pattern (settings). */
  pattern?: string;
}

export interface ImportTargetPatient {
  kind: 'patient';
  patientId: number;
}

export interface ImportPlanItem {
  fileName: string;
  patient: PatientRef | null;
  eye: Eye | null;
  /** Why this file will be skipped; null when it can be imported. */
  problem: string | null;
}

/** What a DICOM file's header says, as the import plan shows it. */
export interface DicomSummary {
  /** As written: "Jane Doe" from Doe^Jane. */
  patientName: string;
  patientId: string;
  /** ISO dates; null when absent or not a valid date. */
  birthDate: string | null;
  sex: 'female' | 'male' | 'other' | null;
  studyDate: string | null;
  /** From Image Laterality (0020,0062), else Laterality (0020,0060); null when neither names one eye. */
  eye: Eye | null;
  /** Manufacturer and model, as the visit's camera. */
  camera: string;
  frames: number;
  /** The transfer syntax in words, for messages. */
  transferSyntax: string;
}

/** A DICOM file of a batch: matched to a registered patient by the header's Patient ID, or to be registered. */
export interface DicomPlanItem {
  fileName: string;
  dicom: DicomSummary | null;
  patient: PatientRef | null;
  /** Registered by the import when no patient has the header's Patient ID (shown in the plan first). */
  newPatient: NewPatient | null;
  eye: Eye | null;
  /** The visit it goes into: the study date. */
  visitDate: string | null;
  problem: string | null;
}

export interface DicomImportInput {
  fileName: string;
  bytes: Uint8Array;
  /** Register the header's patient when no patient has its Patient ID (the plan said so). */
  registerPatient?: boolean;
  /** Into this visit (and, with `eye`, this eye) instead of the header's patient and study date. */
  visitId?: number;
  eye?: Eye;
  /** The user saw that `eye` contradicts the header's laterality and still chose it. */
  confirmEye?: boolean;
  operator?: string;
}

export interface DicomImportOutput {
  patient: PatientRef;
  /** True when this import registered the patient. */
  registered: boolean;
  visitId: number;
  /** One per frame. */
  images: ImportImageOutput[];
}

/** Channels of the imports area. */
export interface ImportsApi {
  /** `head`: the file's first bytes (its header; 256 KB is plenty), never the whole file. */
  'imports:dicomPlan': {
    input: { files: { fileName: string; head: Uint8Array }[] };
    output: DicomPlanItem[];
  };
  'imports:dicom': { input: DicomImportInput; output: DicomImportOutput };
  'imports:plan': {
    input: { fileNames: string[]; target: ImportTargetPattern | ImportTargetPatient };
    output: ImportPlanItem[];
  };
}
