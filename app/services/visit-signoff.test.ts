import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bundle, DiagnosticReport, Practitioner } from '@medplum/fhirtypes';
import type { ExportFile, PatientDetail } from '../../contract/index.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import { insertGradedImage, memoryContext, staffDispatch, value } from '../test-helpers.ts';
import type { AppContext } from './app-context.ts';

// A visit's documents are final only when a clinician has signed it off since its last review.
let ctx: AppContext;
let dispatch: Dispatch;
beforeEach(() => {
  ctx = memoryContext();
  dispatch = staffDispatch(ctx);
});
afterEach(() => ctx.db.close());

function seed() {
  const patient = createPatient(ctx.db, { clinicId: 'S-1', name: 'Sign Off' });
  const visit = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-20' });
  const od = insertGradedImage(ctx.db, visit.id, { grade: 2, eye: 'OD', fileName: 'S-1_right.jpeg' });
  const os = insertGradedImage(ctx.db, visit.id, {
    grade: 0,
    eye: 'OS',
    fileName: 'S-1_left.jpeg',
    referableProbability: 0.01,
  });
  return { patient, visit, od, os };
}
const review = (resultId: number, grade: number, reason?: string) =>
  value(dispatch('reviews:submit', { resultId, grade, seenReviewId: null, ...(reason ? { reason } : {}) }));
const signOffOf = async (patientId: number) =>
  (await value<PatientDetail>(dispatch('patients:get', { id: patientId }))).visits[0]!.signOff;
const fhirReport = async (visitId: number) => {
  const file = await value<ExportFile>(dispatch('exports:fhir', { visitId }));
  const bundle = JSON.parse(Buffer.from(file.bytes).toString('utf8')) as Bundle;
  const resources = bundle.entry!.map((e) => e.resource!);
  const report = resources.find((r): r is DiagnosticReport => r.resourceType === 'DiagnosticReport')!;
  return { report, resources };
};

describe('signing a visit off', () => {
  it('is refused until every photograph is reviewed, then names the clinician, and FHIR says final', async () => {
    const { patient, visit, od, os } = seed();
    await review(od.resultId, 2);
    expect(await dispatch('visits:signOff', { visitId: visit.id })).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: expect.stringMatching(/every photograph needs a clinician's review/),
      },
    });
    expect((await fhirReport(visit.id)).report.status).toBe('preliminary');
    await review(os.resultId, 0);
    // Reviewed, not signed: FHIR says so.
    const unsigned = await fhirReport(visit.id);
    expect(unsigned.report.status).toBe('preliminary');
    expect(unsigned.report.conclusion).toMatch(/not yet signed off/);
    expect(unsigned.report.resultsInterpreter).toBeUndefined();
    const signed = await value(dispatch('visits:signOff', { visitId: visit.id }));
    expect(signed).toMatchObject({ by: 'Dr Test', role: 'clinician', current: true });
    expect(await signOffOf(patient.id)).toMatchObject({ by: 'Dr Test', current: true });
    const { report, resources } = await fhirReport(visit.id);
    expect(report.status).toBe('final');
    const interpreter = resources.find(
      (r): r is Practitioner => r.resourceType === 'Practitioner' && r.name?.[0]?.text === 'Dr Test',
    );
    expect(interpreter).toBeDefined();
    expect(report.resultsInterpreter).toHaveLength(1);
    // The audit log names who signed what.
    const audited = ctx.db
      .prepare("SELECT username, request FROM audit_log WHERE action = 'visits:signOff'")
      .all() as { username: string; request: string }[];
    expect(audited).toEqual([{ username: 'drtest', request: JSON.stringify({ visitId: visit.id }) }]);
  });

  it('goes stale when a result is amended after it: provisional until signed off again', async () => {
    const { patient, visit, od, os } = seed();
    await review(od.resultId, 2);
    await review(os.resultId, 0);
    await value(dispatch('visits:signOff', { visitId: visit.id }));
    // An amendment: the left eye regraded by the clinician.
    const detail = await value<PatientDetail>(dispatch('patients:get', { id: patient.id }));
    const left = detail.visits[0]!.images.find((i) => i.eye === 'OS')!;
    await value(
      dispatch('reviews:submit', {
        resultId: os.resultId,
        grade: 1,
        seenReviewId: left.review!.id,
        reason: 'microaneurysm on second look',
      }),
    );
    expect(await signOffOf(patient.id)).toMatchObject({ by: 'Dr Test', current: false });
    // The amendment is added to the photograph's review history; the earlier review stays.
    const amended = (
      await value<PatientDetail>(dispatch('patients:get', { id: patient.id }))
    ).visits[0]!.images.find((i) => i.eye === 'OS')!;
    expect(amended.reviewHistory).toMatchObject([
      { grade: 0, reviewer: 'Dr Test', stage: 'first' },
      { grade: 1, reason: 'microaneurysm on second look', stage: 'first' },
    ]);
    expect((await fhirReport(visit.id)).report.status).toBe('preliminary');
    await value(dispatch('visits:signOff', { visitId: visit.id }));
    expect(await signOffOf(patient.id)).toMatchObject({ current: true });
  });

  it('is a clinician’s act only', async () => {
    const { visit } = seed();
    const tech = staffDispatch(ctx, undefined, 'technician');
    expect(await tech('visits:signOff', { visitId: visit.id })).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
  });
});
