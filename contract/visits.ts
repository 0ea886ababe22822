// Visits: one per patient and date, with who took the photographs and with which camera.

import type { FundusImage } from './images.ts';
import type { VisitOutcome } from './referral.ts';

export interface Visit {
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

export interface NewVisit {
  patientId: number;
  date: string;
  operator?: string;
  camera?: string;
}

export interface VisitUpdate {
  id: number;
  date: string;
  operator: string;
  camera: string;
  /** The visit's version when the form was opened: a save over someone else's is refused (STALE). */
  version: number;
}

export interface VisitDetail extends Visit {
  images: FundusImage[];
  outcome: VisitOutcome;
}

/** Channels of the visits area. */
export interface VisitsApi {
  'visits:create': { input: NewVisit; output: Visit };
  'visits:update': { input: VisitUpdate; output: Visit };
}
