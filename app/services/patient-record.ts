import type { Patient, Visit, VisitDetail, VisitOutcome } from '../../contract/index.ts';
import type { Database } from '../db/database.ts';
import { listImagesForVisits, listOutcomeImagesForVisits } from '../db/images-repo.ts';
import { getVisit, visitsOfPatients } from '../db/visits-repo.ts';
import { getPatient } from '../db/patients-repo.ts';
import { referralPolicyInForce, visitOutcome } from './referral.ts';
import { signOffsOf } from './visit-signoff.ts';
import { referralEventsOf, trackingOf } from './referral-tracking.ts';
import { localIsoDate } from '../../domain/dates.ts';

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
  const signOffs = signOffsOf(
    db,
    [...visits.values()].flat().map((v) => ({ id: v.id, images: images.get(v.id) ?? [] })),
  );
  const referrals = referralEventsOf(
    db,
    [...visits.values()].flat().map((v) => v.id),
  );
  const today = localIsoDate();
  return new Map(
    [...visits].map(([patientId, list]) => [
      patientId,
      list.map((visit) => {
        const own = images.get(visit.id) ?? [];
        const outcome = visitOutcome(own, policy);
        const referral =
          outcome.decidingEye !== null &&
          (outcome.rule.action === 'refer' || outcome.rule.action === 'refer_urgent')
            ? trackingOf(referrals.get(visit.id) ?? [], visit.date, outcome.rule, today)
            : null;
        return { ...visit, images: own, outcome, signOff: signOffs.get(visit.id) ?? null, referral };
      }),
    ]),
  );
}

/** A visit with how many photographs it has and what it decides, for lists that show no photograph. */
export interface VisitWithOutcome extends Visit {
  photos: number;
  outcome: VisitOutcome;
}

/**
 * Every live visit of several patients with its outcome, newest first, reading only what the decision needs
 * (the patient list, worklists and the policy preview decide every visit of every patient).
 */
export function visitOutcomesOf(
  db: Database,
  patientIds: readonly number[],
): Map<number, VisitWithOutcome[]> {
  const policy = referralPolicyInForce(db);
  const visits = visitsOfPatients(db, patientIds);
  const images = listOutcomeImagesForVisits(
    db,
    [...visits.values()].flat().map((v) => v.id),
  );
  return new Map(
    [...visits].map(([patientId, list]) => [
      patientId,
      list.map((visit) => {
        const own = images.get(visit.id) ?? [];
        return { ...visit, photos: own.length, outcome: visitOutcome(own, policy) };
      }),
    ]),
  );
}

/** One live visit with its photographs and outcome, and its patient (reports and exports of a visit). */
export function visitDetail(db: Database, visitId: number): { patient: Patient; visit: VisitDetail } {
  const patient = getPatient(db, getVisit(db, visitId).patientId);
  const visit = visitDetailsOf(db, [patient.id])
    .get(patient.id)
    ?.find((v) => v.id === visitId);
  if (!visit) throw new Error(`visit ${visitId} vanished while it was read`);
  return { patient, visit };
}
