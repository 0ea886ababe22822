// Site settings: operating point, referral policy, import file-name pattern, the clinic on reports, the watch folder.

import type { ReferralPolicy, ReferralRule } from './referral.ts';
import type { PatientRef } from './refs.ts';

export interface SiteSettings {
  /** The site's referable-DR operating point, or null to use the model's. */
  referableThreshold: number | null;
  /** The model's own operating point (chosen on its validation data), for comparison. */
  modelReferableThreshold: number | null;
  /** Referral and recall per screening category, as this site practises it. */
  referralPolicy: ReferralPolicy;
  /** ICDR/AAO-based defaults, for "reset". */
  defaultReferralPolicy: ReferralPolicy;
  /** How batch-import file names name the patient and eye, e.g. `{clinicId}_{eye}`. */
  importPattern: string;
  /** Who the reports come from. */
  clinic: ClinicDetails;
  /** The camera-export folder watched for new photographs; null when none is watched. */
  watchFolder: string | null;
  /** Minutes without use before a window locks itself. */
  idleLockMinutes: number;
  /**
   * Second reading: null when one clinician's reading suffices; else the share (%) of normal first readings read
   * again at random (referable, ungradable and flagged ones always are).
   */
  secondReading: { samplePercent: number } | null;
  /** The promotion gate's margin δ in force (AUC and sensitivity), and the range a site may choose from. */
  promotionMargin: { value: number; default: number; min: number; max: number };
  /**
   * When the grading model was fine-tuned here: its operating point re-derived on this clinic's held-out
   * patients (the threshold for 90% sensitivity there), shown so the site can choose it; never applied by itself.
   */
  localOperatingPoint: {
    threshold: number;
    model: string;
    /** At that point on the held-out patients; null for a candidate made before these were recorded. */
    sensitivity: number | null;
    specificity: number | null;
  } | null;
}

export type PaperSize = 'A4' | 'Letter';

export interface ClinicDetails {
  name: string;
  /** Several lines. */
  address: string;
  /** A logo is stored (shown at the top of every report). */
  hasLogo: boolean;
  paperSize: PaperSize;
}

export interface ClinicUpdate {
  name: string;
  address: string;
  paperSize: PaperSize;
  /** A PNG or JPEG; null removes the logo; absent keeps it. */
  logo?: Uint8Array | null;
}

export interface SettingsUpdate {
  referableThreshold?: number | null;
  /** null restores the default. */
  referralPolicy?: ReferralPolicy | null;
  /** null restores the default. */
  importPattern?: string | null;
  clinic?: ClinicUpdate;
  /** An absolute folder path; null stops watching. */
  watchFolder?: string | null;
  idleLockMinutes?: number;
  /** The promotion gate's margin; null restores the default. */
  promotionMargin?: number | null;
  /** Second reading on (with the sample of normals, %) or off (null). */
  secondReading?: { samplePercent: number } | null;
  /**
   * Why: required with a change of the operating point, the promotion margin or second reading (they change
   * decisions), and kept in the audit log.
   */
  reason?: string;
}

/** What a site operating point would mean, on the labelled sets the grading model was evaluated on. */
export interface OperatingPointImpact {
  threshold: number;
  /** The point in force now (the site's, else the model's). */
  current: number | null;
  /** Sets never trained on, photograph by photograph as the model graded them (its evaluation files). */
  sets: {
    name: string;
    gradable: number;
    referable: number;
    sensitivity: number;
    specificity: number;
    /** At the point in force now, for comparison; null when none is. */
    currentSensitivity: number | null;
    currentSpecificity: number | null;
  }[];
  /** The model those figures are of. */
  model: string;
}

/** A provisional visit whose next step a new policy would change (decided visits keep theirs). */
export interface PolicyImpactItem {
  patient: PatientRef;
  visitId: number;
  visitDate: string;
  before: ReferralRule;
  after: ReferralRule;
}

export interface PolicyImpact {
  changed: PolicyImpactItem[];
  /** Decided visits, which keep the policy they were decided under. */
  decidedKept: number;
}

/** Channels of the settings area. */
export interface SettingsApi {
  'settings:get': { input: Record<string, never>; output: SiteSettings };
  'settings:update': { input: SettingsUpdate; output: SiteSettings };
  /** What saving this policy would change, before it is saved. */
  'settings:policyImpact': { input: { referralPolicy: ReferralPolicy | null }; output: PolicyImpact };
  /** What an operating point would mean (sensitivity and specificity on the model's evaluation sets), before it is saved. */
  'settings:operatingPointImpact': { input: { threshold: number | null }; output: OperatingPointImpact };
}
