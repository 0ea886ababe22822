import type { VisitDetail } from '../../contract/index.ts';
import type { Database } from '../db/database.ts';
import { listImagesForVisits } from '../db/images-repo.ts';
import { visitsOfPatients } from '../db/visits-repo.ts';
import { referralPolicyInForce, visitOutcome } from './referral.ts';

/**
 * Every live visit of several patients with its photographs and outcome, newest first: three queries however
 * many patients (patients are listed by the caller, then their visits, then those visits' photographs).
 */
export function visitDetailsOf(db: Database, patientIds: readonly number[]): Map<number, VisitDetail[]> {
  const policy = referralPolicyInForce(db);
  const visits = visitsOfPatients(db, patientIds);
  const images = listImagesForVisits(
    db,
    [...visits.values()].flat().map((v) => v.id),
  );
  return new Map(
    [...visits].map(([patientId, list]) => [
      patientId,
      list.map((visit) => {
        const own = images.get(visit.id) ?? [];
        return { ...visit, images: own, outcome: visitOutcome(own, policy) };
      }),
    ]),
  );
}
