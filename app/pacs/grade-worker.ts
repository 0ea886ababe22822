// A headless grading worker on a PACS: lists the fundus studies, claims one through Orthanc (a revision-checked
// write, so no two workers grade the same study), retrieves it, grades it through the same import and model as the
// app (in the worker's own working record), and stores the result back in the study as a preliminary SR and PDF
// (UNVERIFIED: no clinician has seen it). Any number of workers can run on any machines.
import { AppError, errorMessage } from '../../domain/errors.ts';
import { renderVisitPdf } from '../reports/visit-pdf.ts';
import { visitReport } from '../reports/visit-report.ts';
import type { AppContext } from '../services/app-context-type.ts';
import type { DicomWebClient } from './dicomweb-client.ts';
import { importStudy, leftOut } from './import-study.ts';
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

/** Grades one claimed study and stores its result; the claim is ended as done or refused, or left to expire. */
async function gradeStudy(deps: WorkerDeps, uid: string, held: HeldClaim): Promise<StudyOutcome> {
  const { ctx, client, claims } = deps;
  const files = await client.retrieveStudy(uid);
  const study = await importStudy(ctx, uid, files, `grading worker ${claims.worker}`);
  if (study.visitId === null) {
    const note = study.nothingToGrade!;
    await claims.finish(held, 'refused', note);
    return { studyInstanceUid: uid, state: 'refused', photographs: 0, note };
  }
  const photographs = study.imported + study.duplicates;
  const report = await visitReport(ctx, study.visitId);
  const version = `graded:${uid}`;
  const pdf = await renderVisitPdf(report, 'report');
  await client.store([structuredReport(report, version, uid), encapsulatedPdf(report, pdf, version, uid)]);
  const note = `${photographs} photograph${photographs === 1 ? '' : 's'} graded; preliminary SR and PDF stored${leftOut(study)}`;
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
      deps.log(`${study.studyInstanceUid}: not finished, its claim will expire: ${errorMessage(error)}`);
      outcomes.push({
        studyInstanceUid: study.studyInstanceUid,
        state: 'failed',
        photographs: 0,
        note: errorMessage(error),
      });
      if (error instanceof AppError && error.code === 'MODEL_UNAVAILABLE') throw error;
    }
  }
  return outcomes;
}
