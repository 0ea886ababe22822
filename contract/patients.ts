// Patients: registration, the list, one patient with their visits.

import type { ReferralRule } from './referral.ts';
import type { VisitDetail } from './visits.ts';

export type Sex = 'female' | 'male' | 'other';

export type DiabetesType = 'type1' | 'type2' | 'gestational' | 'other' | 'unknown';

export interface Patient {
  id: number;
  clinicId: string;
  name: string;
  dateOfBirth: string | null;
  sex: Sex | null;
  diabetesType: DiabetesType | null;
  /** Year diabetes was diagnosed. */
  diagnosisYear: number | null;
  notes: string;
  createdAt: string;
  updatedAt: string | null;
  lastVisitDate: string | null;
}

/** A row of the patient list: the patient and what their latest visit led to. */
export interface PatientListItem extends Patient {
  /** The latest visit's referral and recall, null without visits. */
  lastOutcome: { visitDate: string; rule: ReferralRule; final: boolean } | null;
}

export interface NewPatient {
  clinicId: string;
  name: string;
  dateOfBirth?: string | null;
  sex?: Sex | null;
  diabetesType?: DiabetesType | null;
  diagnosisYear?: number | null;
  notes?: string;
}

export interface PatientUpdate extends NewPatient {
  id: number;
}

export interface PatientDetail {
  patient: Patient;
  visits: VisitDetail[];
}

/** Channels of the patients area. */
export interface PatientsApi {
  'patients:list': { input: { query?: string }; output: PatientListItem[] };
  'patients:create': { input: NewPatient; output: Patient };
  'patients:get': { input: { id: number }; output: PatientDetail };
  'patients:update': { input: PatientUpdate; output: Patient };
}
