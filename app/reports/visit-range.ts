import type { Patient, VisitDetail } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { getPatients } from '../db/patients-repo.ts';
import { patientsWithVisitsBetween } from '../db/visits-repo.ts';
import type { Database } from '../db/database.ts';
import { visitDetailsOf } from '../services/patient-record.ts';

export interface DateRange {
  from: string;
  to: string;
}

/** Every live visit between two dates (inclusive) with its patient, oldest first: what a range export holds. */
export function visitsInRange(db: Database, range: DateRange): { patient: Patient; visit: VisitDetail }[] {
  if (range.from > range.to)
    throw new AppError('INVALID_INPUT', `The range starts (${range.from}) after it ends (${range.to}).`);
  const ids = patientsWithVisitsBetween(db, range.from, range.to);
  const patients = getPatients(db, ids);
  const details = visitDetailsOf(db, ids);
  const rows: { patient: Patient; visit: VisitDetail }[] = [];
  for (const id of ids)
    for (const visit of details.get(id) ?? [])
      if (visit.date >= range.from && visit.date <= range.to)
        rows.push({ patient: patients.get(id)!, visit });
  return rows.sort((a, b) => a.visit.date.localeCompare(b.visit.date) || a.visit.id - b.visit.id);
}
