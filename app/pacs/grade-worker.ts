// A headless grading worker on a PACS: lists the fundus studies, claims one through Orthanc (a revision-checked
// write, so no two workers grade the same study), retrieves it, grades it through the same import and model as the
// app (in the worker's own working record), and stores the result back in the study as a preliminary SR and PDF
// (UNVERIFIED: no clinician has seen it). Any number of workers can run on any machines.
import { AppError } from '../../domain/errors.ts';
import { renderVisitPdf } from '../reports/visit-pdf.ts';
import { visitReport } from '../reports/visit-report.ts';
import type { AppContext } from '../services/app-context-type.ts';
import { importDicom } from '../services/import-dicom.ts';
import type { DicomWebClient } from './dicomweb-client.ts';
import { notAPhotograph } from './fundus-instance.ts';
import type { HeldClaim, OrthancClaims } from './orthanc-claims.ts';
import { encapsulatedPdf, structuredReport } from './result-documents.ts';

export interface WorkerDeps {
  ctx: AppContext;
  client: DicomWebClient;
  claims: OrthancClaims;
  /** Only studies on or after this date (YYYY-MM-DD); null: all. */
  since: string | null;
  log: (line: string) => void;
}

export interface StudyOutcome {
  studyInstanceUid: string;
  state: 'done' | 'refused' | 'failed';
  photographs: number;
  note: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Grades one claimed study and stores its result; the claim is ended as done or refused, or left to expire. */
async function gradeStudy(deps: WorkerDeps, uid: string, held: HeldClaim): Promise<StudyOutcome> {
  const { ctx, client, claims } = deps;
  const files = await client.retrieveStudy(uid);
  let visitId: number | null = null;
  let photographs = 0;
  const refused: string[] = [];
  for (const [index, bytes] of files.entries()) {
    const problem = notAPhotograph(bytes);
    if (problem) {
      refused.push(`instance ${index + 1}: ${problem}`);
      continue;
    }
    try {
      const out = await importDicom(ctx, {
        fileName: `study ${uid}, instance ${index + 1}`,
        bytes,
        registerPatient: true,
        operator: `grading worker ${claims.worker}`,
      });
      visitId ??= out.visitId;
      photographs += out.images.length;
    } catch (error) {
      if (error instanceof AppError && error.code === 'MODEL_UNAVAILABLE') throw error;
      refused.push(`instance ${index + 1}: ${message(error)}`);
    }
  }
  if (visitId === null) {
    const note = files.length ? `Nothing to grade: ${refused.join('; ')}` : 'The study has no instances.';
    await claims.finish(held, 'refused', note);
    return { studyInstanceUid: uid, state: 'refused', photographs: 0, note };
  }
  const report = await visitReport(ctx, visitId);
  const version = `graded:${uid}`;
  const pdf = await renderVisitPdf(report, 'report');
  await client.store([structuredReport(report, version, uid), encapsulatedPdf(report, pdf, version, uid)]);
  const note =
    `${photographs} photograph${photographs === 1 ? '' : 's'} graded; preliminary SR and PDF stored` +
    (refused.length ? `; left out ${refused.join('; ')}` : '');
  const kept = await claims.finish(held, 'done', note);
  if (!kept)
    deps.log(`${uid}: our claim had expired and another worker took the study; its result stands too.`);
  return { studyInstanceUid: uid, state: 'done', photographs, note };
}

/** One pass over the PACS: every study not yet claimed (or whose claim expired) is claimed and graded. */
export async function gradePass(deps: WorkerDeps): Promise<StudyOutcome[]> {
  const outcomes: StudyOutcome[] = [];
  for (const study of await deps.client.searchStudies(deps.since)) {
    const held = await deps.claims.claim(study.studyInstanceUid);
    if (!held) continue;
    try {
      const outcome = await gradeStudy(deps, study.studyInstanceUid, held);
      deps.log(`${study.studyInstanceUid} (${study.patientId}): ${outcome.state}: ${outcome.note}`);
      outcomes.push(outcome);
    } catch (error) {
      // The PACS went away mid-study, or this machine cannot grade: the claim is left to expire, so this worker
      // or another grades the study again later; nothing was marked done.
      deps.log(`${study.studyInstanceUid}: not finished, its claim will expire: ${message(error)}`);
      outcomes.push({
        studyInstanceUid: study.studyInstanceUid,
        state: 'failed',
        photographs: 0,
        note: message(error),
      });
      if (error instanceof AppError && error.code === 'MODEL_UNAVAILABLE') throw error;
    }
  }
  return outcomes;
}
