// Visits: one per patient and date, with who took the photographs and with which camera.

import type { FundusImage } from './images.ts';
import type { NewVisit, VisitFindings } from './visit-input.ts';

export type { HbA1c, NewVisit, VisitFindings } from './visit-input.ts';
import type { VisitOutcome } from './referral.ts';
import type { ReferralTracking } from './referral-tracking.ts';

export interface Visit extends VisitFindings {
  id: number;
  patientId: number;
  date: string;
  /** Who took the photographs. */
  operator: string;
  /** Camera make and model. */
  camera: string;
  createdAt: string;
  /** Changes with every save; an update names the version it was made from. */
  version: number;
}

export interface VisitUpdate extends Partial<VisitFindings> {
  id: number;
  date: string;
  operator: string;
  camera: string;
  /** The visit's version when the form was opened: a save over someone else's is refused (STALE). */
  version: number;
}

/** A clinician's sign-off of a visit: its report and letter are final only while it is current. */
export interface VisitSignOff {
  by: string;
  role: string;
  at: string;
  /** False once a review changed after signing (an amendment): the visit is provisional until signed again. */
  current: boolean;
}

export interface VisitDetail extends Visit {
  images: FundusImage[];
  outcome: VisitOutcome;
  /** The latest sign-off, or null when nobody has signed the visit off. */
  signOff: VisitSignOff | null;
  /** When the visit leads to a referral: its steps so far and what is late; null otherwise. */
  referral: ReferralTracking | null;
}

/** Channels of the visits area. */
export interface VisitsApi {
  'visits:create': { input: NewVisit; output: Visit };
  'visits:update': { input: VisitUpdate; output: Visit };
  /** A clinician signs off a visit whose photographs are all reviewed: its report and letter become final. */
  'visits:signOff': { input: { visitId: number }; output: VisitSignOff };
}
