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
  /** Who corrects the visit (kept in the record of changes). */
  changedBy: string;
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
