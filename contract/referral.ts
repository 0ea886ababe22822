// Referral and recall: the policy, and what it decides per eye and per visit.

import type { Eye } from '../domain/eye.ts';

/**
 * The screening categories a referral policy maps to an action. `ungradable_again`: still ungradable after
 * re-imaging; `maculopathy`: an eye whose maculopathy (M1, or the model's flag before a clinician reads it) calls for
 * more than its grade does.
 */
export type ReferralCategory =
  '0' | '1' | '2' | '3' | '4' | 'ungradable' | 'ungradable_again' | 'maculopathy';

export const REFERRAL_CATEGORIES: readonly ReferralCategory[] = [
  '0',
  '1',
  '2',
  '3',
  '4',
  'ungradable',
  'ungradable_again',
  'maculopathy',
];

export type ReferralAction = 'rescreen' | 'refer' | 'refer_urgent' | 'reimage';

export interface ReferralRule {
  action: ReferralAction;
  /** Rescreen or refer within this many months; null for urgent referral and re-imaging. */
  months: number | null;
}

export type ReferralPolicy = Record<ReferralCategory, ReferralRule>;

/** A model's referable-DR flag: its probability at or above the operating point in force when graded. */
export interface ReferableFlag {
  probability: number;
  threshold: number;
}

export interface EyeOutcome {
  eye: Eye;
  /** `missing`: no photograph of this eye in the visit (treated like an ungradable eye). */
  category: ReferralCategory | 'missing';
  /**
   * The grade someone gave: the clinician's when reviewed, else the model's most likely grade; null when
   * ungradable or missing. Never a grade nobody gave: a flagged eye keeps the model's own grade here.
   */
  grade: number | null;
  source: 'clinician' | 'model' | null;
  /**
   * True when an unreviewed model grade below 2 is referred because the referable-DR probability reached the
   * operating point: the flag refers (the category is that of grade 2, for the referral rule), it is never
   * silently ignored, and it is written as a flag (`flag`), never as a grade.
   */
  raisedByReferableFlag: boolean;
  /** The model's referable flag that raised the eye, with its figures; null when none did. */
  flag: ReferableFlag | null;
  /** Every photograph of this eye in the visit has a clinician review. */
  reviewed: boolean;
  /**
   * Maculopathy in this eye: the clinician's M1, or (no clinician having said M0 or M1) the model's maculopathy flag
   * with its probability; null when neither says so. It refers as the policy's `maculopathy` rule when that is
   * more than the grade's (the category is then `maculopathy`).
   */
  maculopathy: { source: 'clinician' | 'model'; probability: number | null } | null;
}

export interface VisitOutcome {
  eyes: Record<Eye, EyeOutcome>;
  /** The worse eye, which decides referral and recall; null when neither eye has a photograph. */
  decidingEye: Eye | null;
  category: ReferralCategory | 'missing';
  rule: ReferralRule;
  /**
   * The other eye's own action when it needs one the deciding eye's rule does not cover: an ungradable or
   * missing eye is re-imaged even when the other eye is referred. Null when there is none.
   */
  alsoNeeded: { eye: Eye; rule: ReferralRule } | null;
  /** Both eyes photographed and every photograph reviewed by a clinician. */
  final: boolean;
  /**
   * `decided`: a final visit, judged by the policy in force at its last review (a later policy change does not
   * rewrite it); `current`: a provisional visit, judged by the policy in force now.
   */
  policy: 'decided' | 'current';
}

/** What a patient needs next: the most urgent open decision of their visits. */
export interface NextStep {
  visitId: number;
  visitDate: string;
  rule: ReferralRule;
  /** The visit's decision is final (every photograph reviewed). */
  final: boolean;
  /** When the rule has months: the visit date plus those months. */
  dueDate: string | null;
}
