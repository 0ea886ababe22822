import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  DateRangeInput,
  ExportFile,
  PaperSize,
  ReportKind,
  SignedInUser,
} from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import type { AppContext } from '../services/app-context.ts';
import { visitDetail } from '../services/patient-record.ts';
import { storedClinic } from './clinic.ts';
import { fhirBundle, type FhirVisit } from './fhir-bundle.ts';
import { renderVisitPdf, reportFileName } from './visit-pdf.ts';
import { visitReport, type ReportContext } from './visit-report.ts';
import { visitsCsv } from './visits-csv.ts';
import { visitsInRange } from './visit-range.ts';

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/**
 * A visit's PDF. A referral letter leaves the clinic signed by a clinician, or not at all: `signer` must be the
 * signed-in clinician, and every photograph of the visit must have been reviewed.
 */
export async function visitPdf(
  ctx: ReportContext,
  visitId: number,
  kind: ReportKind,
  paperSize?: PaperSize,
  signer: SignedInUser | null = null,
): Promise<ExportFile> {
  const report = await visitReport(ctx, visitId, undefined, kind);
  if (kind === 'referral') {
    if (signer?.role !== 'clinician')
      throw new AppError(
        'FORBIDDEN',
        'A referral letter leaves the clinic signed by a clinician: a clinician signs in to write it.',
      );
    if (!report.visit.outcome.final)
      throw new AppError(
        'INVALID_INPUT',
        'A referral letter is written once a clinician has reviewed every photograph of both eyes of this visit. Review them first.',
      );
  }
  return {
    fileName: reportFileName(report, kind),
    mimeType: 'application/pdf',
    bytes: await renderVisitPdf(report, kind, paperSize, signer),
  };
}

/** Writes the PDF under the data folder's reports/ and hands it to the system viewer (desktop app only). */
export async function openVisitPdf(
  ctx: AppContext,
  visitId: number,
  kind: ReportKind,
  signer: SignedInUser | null = null,
): Promise<{ path: string }> {
  if (!ctx.openFile)
    throw new AppError('INVALID_INPUT', 'Opening a report needs the desktop app. Use Save PDF instead.');
  const file = await visitPdf(ctx, visitId, kind, undefined, signer);
  const dir = path.join(ctx.dataDir, 'reports');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, file.fileName);
  await writeFile(target, file.bytes, { mode: 0o600 });
  await ctx.openFile(target);
  return { path: target };
}

export function rangeCsv(ctx: Pick<AppContext, 'db'>, range: DateRangeInput): ExportFile {
  return {
    fileName: `eyenet-visits_${range.from}_${range.to}.csv`,
    mimeType: 'text/csv;charset=utf-8',
    bytes: utf8(visitsCsv(visitsInRange(ctx.db, range))),
  };
}

async function withReport(ctx: ReportContext, item: Omit<FhirVisit, 'report'>): Promise<FhirVisit> {
  const pdf = await visitPdf(ctx, item.visit.id, 'report');
  return { ...item, report: { fileName: pdf.fileName, pdf: pdf.bytes } };
}

/** A FHIR Bundle of one visit, or of every visit in a range; each DiagnosticReport carries the visit's PDF. */
export async function fhirExport(
  ctx: AppContext,
  input: { visitId: number } | DateRangeInput,
): Promise<ExportFile> {
  let items: Omit<FhirVisit, 'report'>[];
  let name: string;
  if ('visitId' in input) {
    const { patient, visit } = visitDetail(ctx.db, input.visitId);
    items = [{ patient, visit }];
    name = `${patient.clinicId.replace(/[^\w.-]+/g, '_')}_${visit.date}`;
  } else {
    items = visitsInRange(ctx.db, input);
    name = `visits_${input.from}_${input.to}`;
  }
  const visits: FhirVisit[] = [];
  for (const item of items) visits.push(await withReport(ctx, item));
  const bundle = fhirBundle(storedClinic(ctx), visits);
  return {
    fileName: `eyenet-fhir_${name}.json`,
    mimeType: 'application/fhir+json',
    bytes: utf8(JSON.stringify(bundle, null, 2)),
  };
}
