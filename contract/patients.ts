// Patients: registration, the list, one patient with their visits.

import type { NextStep } from './referral.ts';
import type { RecordChange } from './records.ts';
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
  /** Changes with every save; an update names the version it was made from. */
  version: number;
}

/** A row of the patient list: the patient and the most urgent open decision of their visits. */
export interface PatientListItem extends Patient {
  /** Null until a visit has a photograph. */
  nextStep: NextStep | null;
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
  /** The patient's version when the form was opened: a save over someone else's is refused (STALE). */
  version: number;
}

export interface PatientDetail {
  patient: Patient;
  visits: VisitDetail[];
  /** The most urgent open decision (the patient list's "Next step"). */
  nextStep: NextStep | null;
  /** Every correction made to this patient's record, newest first. */
  changes: RecordChange[];
}

export interface PatientMerge {
  /** The registration that stays. */
  keepId: number;
  /** The duplicate: its visits and photographs move to `keepId`, and it is kept as a merged tombstone. */
  mergeId: number;
  reason: string;
}

/** Channels of the patients area. */
export interface PatientsApi {
  'patients:list': { input: { query?: string }; output: PatientListItem[] };
  'patients:create': { input: NewPatient; output: Patient };
  'patients:get': { input: { id: number }; output: PatientDetail };
  'patients:update': { input: PatientUpdate; output: Patient };
  'patients:merge': { input: PatientMerge; output: Patient };
}
