// Small references shared by several areas.

/** Enough to name a patient in a list (review queue, import plan). */
export interface PatientRef {
  id: number;
  clinicId: string;
  name: string;
}
