// What starts a visit, and what a clinic records beside its photographs: the vocabulary the visit channels
// (visits.ts) and a photograph's import (images.ts) share.

/** HbA1c as the clinic measured it. */
export interface HbA1c {
  value: number;
  unit: '%' | 'mmol/mol';
}

/** What a clinic records beside the photographs (each optional). */
export interface VisitFindings {
  /** Visual acuity per eye as the clinic writes it ("6/9", "20/40", "0.2 logMAR"); '' when not recorded. */
  visualAcuity: { right: string; left: string };
  /** Pupils dilated for the photographs; null when not recorded. */
  dilated: boolean | null;
  hba1c: HbA1c | null;
}

export interface NewVisit extends Partial<VisitFindings> {
  patientId: number;
  date: string;
  operator?: string;
  camera?: string;
}
