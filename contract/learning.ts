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
  /** Photographs with a clinician's maculopathy reading: a candidate's maculopathy head is refitted on them. */
  maculopathyReadings: { m1: number; m0: number };
  /** Photographs left out, and why (ungradable, not reviewed, a duplicate of another). */
  excluded: { ungradable: number; unreviewed: number; duplicates: number };
}

/** One thing a fine-tune still needs, in a sentence, with the figure it needs and the figure there is. */
export interface ReadinessGap {
  what: string;
  needed: number;
  have: number;
  /** The held-out patients with referable DR the promotion gate needs to judge a candidate at the site's margin. */
  forJudging?: true;
}

/** A photograph where clinician and model disagree by two grades or more, or across the referable line. */
export interface Disagreement {
  imageId: number;
  patient: PatientRef;
  visitDate: string;
  eye: Eye;
  fileName: string;
  modelGrade: number;
  /**
   * The model's referable flag, which a disagreement across the referable line is often about (grade 0, yet
   * flagged): its probability and the operating point it was judged at (null: made before points were kept).
   */
  modelFlag: { referable: boolean; probability: number; threshold: number | null };
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

/** A model's figures on the held-out local patients (the same patients for every model compared). */
export interface HeldOutFigures {
  photographs: number;
  patients: number;
  referablePatients: number;
  referableAuc: number;
  auc95: { low: number; high: number };
  /** At the site's operating point. */
  threshold: number;
  sensitivity: number;
  specificity: number;
}

/** Candidate − base on the same photographs, with its 95% interval (a paired bootstrap over patients). */
export interface PairedDifference {
  estimate: number;
  low: number;
  high: number;
}

export interface PairedComparison {
  /** Referable-DR AUC, candidate − base. */
  auc: PairedDifference;
  /** Sensitivity at `threshold`, candidate − base. */
  sensitivity: PairedDifference;
  threshold: number;
  /** Bootstrap rounds drawn, and those left out because they held no referable or no non-referable photograph. */
  rounds: number;
  skipped: number;
}

/**
 * The gate's decision on a candidate: `promote`; `refuse`; or `override` — better (not worse) on this clinic's
 * patients but worse on the model's reference set, promoted only by an administrator who says why.
 */
export type PromotionDecision = 'promote' | 'refuse' | 'override';

export interface PromotionVerdict {
  decision: PromotionDecision;
  /** Promotable as it stands (decision `promote`). */
  allowed: boolean;
  rule: string;
  /** The margin: how much worse (in AUC and in sensitivity) the candidate's lower 95% bound may be. */
  delta: number;
  /** Why it is refused or needs an override, each in a sentence; empty when promoted. */
  reasons: string[];
  /** The figures behind the decision, each in a sentence (shown on the Models screen and kept in the audit log). */
  evidence: string[];
  /** One line: `gate: promote|refuse|override — why`, as `npm run train` prints it. */
  line: string;
}

/** One model this workstation can grade with: shipped with the app, or fine-tuned here. */
export interface ModelVersion {
  /** Its folder's name. */
  id: string;
  source: 'bundled' | 'local';
  name: string;
  version: string;
  validated: boolean;
  active: boolean;
  fineTunedFrom: { name: string; version: string } | null;
  /** For a local candidate: base and candidate on the same held-out patients, and the gate's verdict. */
  localValidation: {
    base: HeldOutFigures;
    candidate: HeldOutFigures;
    derivedThreshold: number;
    /** The candidate at its derived point on the same held-out patients (fine-tunes since this field existed). */
    derivedPoint?: { threshold: number; sensitivity: number; specificity: number };
    /** Base and candidate on the reference set shipped with the model, when it has one. */
    reference?: { base: HeldOutFigures; candidate: HeldOutFigures };
    /** Candidate − base on the held-out patients, paired (fine-tunes since the non-inferiority gate). */
    comparison?: PairedComparison;
    /** Candidate − base on the reference set, paired; with where the set came from. */
    referenceComparison?: PairedComparison & { source: string; excludedTrainedOn: number };
  } | null;
  verdict: PromotionVerdict | null;
}

export interface ModelHistoryEntry {
  id: string;
  source: 'bundled' | 'local';
  version: string;
  action: 'promote' | 'rollback';
  by: string;
  at: string;
  /** An administrator's reason for promoting a candidate the gate sent for override. */
  override?: string;
}

export interface ModelsOverview {
  versions: ModelVersion[];
  /** Every promotion and rollback, newest last. */
  history: ModelHistoryEntry[];
}

/** Channels of the learning area. */
export interface LearningApi {
  'learning:status': { input: Record<string, never>; output: LearningStatus };
  'learning:models': { input: Record<string, never>; output: ModelsOverview };
  /** Grades with a local candidate from now on, if the gate allows; records who promoted it. */
  'learning:promote': { input: { id: string }; output: ModelsOverview };
  /**
   * An administrator promotes a candidate the gate found better here but worse on the reference set, saying why;
   * refused for any other verdict.
   */
  'learning:override': { input: { id: string; reason: string }; output: ModelsOverview };
  /** Back to the model that was active before the latest promotion. */
  'learning:rollback': { input: Record<string, never>; output: ModelsOverview };
  /** Starts a fine-tune of the grading model on the validated set, in the background; refused while not ready. */
  'learning:fineTune': { input: Record<string, never>; output: FineTuneJob };
  'learning:job': { input: Record<string, never>; output: FineTuneJob };
  /** Stops the running fine-tune; the grading model is untouched and no candidate is left. */
  'learning:cancel': { input: Record<string, never>; output: FineTuneJob };
}

/** The fine-tune running in the background (one at a time). */
export interface FineTuneJob {
  state: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  stage: 'features' | 'training' | 'saving' | null;
  done: number;
  total: number;
  startedAt: string | null;
  /** Seconds left in the current stage, estimated from its pace so far; null before there is a pace. */
  etaSeconds: number | null;
  /** Who started it. */
  by: string | null;
  /** The candidate made (its folder name), once done. */
  candidateId: string | null;
  message: string | null;
}
