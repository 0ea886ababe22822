// Batch import: matching file names to patients and eyes before anything is stored.

import type { Eye } from '../domain/eye.ts';
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

/** Channels of the imports area. */
export interface ImportsApi {
  'imports:plan': {
    input: { fileNames: string[]; target: ImportTargetPattern | ImportTargetPatient };
    output: ImportPlanItem[];
  };
}
