// The learning clinic: the clinic's own validated photographs, and what a fine-tune on them still needs.

import type { Eye } from '../domain/eye.ts';
import type { PatientRef } from './refs.ts';

/** What the validated set holds: photographs that passed the quality gate and whose grade a clinician confirmed or set. */
export interface ValidatedSetSummary {
  /** Distinct photographs (by SHA-256). */
  photographs: number;
  patients: number;
  /** Photographs per ICDR grade 0–4, by the clinician's grade. */
  byGrade: [number, number, number, number, number];
  /** Patients with at least one referable (grade ≥ 2) photograph. */
  referablePatients: number;
  /** Photographs left out, and why (ungradable, not reviewed, a duplicate of another). */
  excluded: { ungradable: number; unreviewed: number; duplicates: number };
}

/** One thing a fine-tune still needs, in a sentence, with the figure it needs and the figure there is. */
export interface ReadinessGap {
  what: string;
  needed: number;
  have: number;
}

/** A photograph where clinician and model disagree by two grades or more, or across the referable line. */
export interface Disagreement {
  imageId: number;
  patient: PatientRef;
  visitDate: string;
  eye: Eye;
  fileName: string;
  modelGrade: number;
  clinicianGrade: number;
  reviewer: string;
  reviewedAt: string;
}

export interface LearningStatus {
  set: ValidatedSetSummary;
  /** Empty when a fine-tune could start. */
  gaps: ReadinessGap[];
  /** Offered for a second look before training: label noise is the cheapest thing to fix. */
  disagreements: Disagreement[];
}

/** Channels of the learning area. */
export interface LearningApi {
  'learning:status': { input: Record<string, never>; output: LearningStatus };
}
