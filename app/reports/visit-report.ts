import type { EyeOutcome, FundusImage, Patient, VisitDetail } from '../../contract/index.ts';
import { dueDate } from '../../contract/referral-text.ts';
import type { Eye } from '../../domain/eye.ts';
import type { ModelInfo } from '../../domain/results.ts';
import { modelFigures, type ModelFigures } from '../../model/index.ts';
import { localModelsDir } from '../learning/model-registry.ts';
import { getStoredImage } from '../db/images-repo.ts';
import { resultFilesForImage } from '../db/results-repo.ts';
import type { AppContext } from '../services/app-context.ts';
import { visitDetail } from '../services/patient-record.ts';
import { storedClinic, type StoredClinic } from './clinic.ts';

/** What reports read: the record, the stored pictures, the model folders (no grading, no window). */
export type ReportContext = Pick<AppContext, 'db' | 'store' | 'modelDir'> & { dataDir?: string };

export interface ReportPhotograph {
  image: FundusImage;
  /** The photograph as imported, small (the stored thumbnail JPEG); null when its file is missing. */
  photo: Uint8Array | null;
  /** What the model saw (PNG) and its heatmap (RGBA PNG, laid over the preview); null when there is none. */
  preview: Uint8Array | null;
  heatmap: Uint8Array | null;
}

export interface ReportEye {
  eye: Eye;
  outcome: EyeOutcome;
  photographs: ReportPhotograph[];
}

export interface ReportModel extends ModelInfo {
  backends: string[];
  /** Held-out evaluations of this model; empty when they are not installed here. */
  figures: ModelFigures[];
}

/** Everything a visit's report or referral letter says, read from the record in one place. */
export interface VisitReport {
  clinic: StoredClinic & { logo: Uint8Array | null };
  patient: Patient;
  visit: VisitDetail;
  /** When the next step has months: the visit date plus those months. */
  due: string | null;
  eyes: ReportEye[];
  models: ReportModel[];
  /**
   * Some result has no clinician review, or (a report) no clinician has signed the visit off since its last
   * review: every page says the report is provisional, and why.
   */
  provisional: boolean;
  /** Why it is provisional, in a sentence; null when final. */
  provisionalWhy: string | null;
  generatedAt: Date;
}

async function maybe(ctx: ReportContext, sha256: string | null | undefined): Promise<Uint8Array | null> {
  if (!sha256) return null;
  return ctx.store.get(sha256).catch(() => null);
}

function modelsOf(images: readonly FundusImage[]): Map<string, ModelInfo & { backends: Set<string> }> {
  const models = new Map<string, ModelInfo & { backends: Set<string> }>();
  for (const { result } of images) {
    if (!result) continue;
    const key = `${result.model.name}@${result.model.version}`;
    const known = models.get(key) ?? { ...result.model, backends: new Set<string>() };
    known.backends.add(result.backend);
    models.set(key, known);
  }
  return models;
}

/**
 * Why a document of the visit is not final: a result not confirmed by a clinician; or, for the report, no
 * current sign-off (a referral letter is signed by the clinician who writes it).
 */
function provisionalWhy(visit: VisitDetail, kind: 'report' | 'referral'): string | null {
  if (visit.images.some((i) => i.result && !i.review) || !visit.outcome.final)
    return 'not every result on this report has been confirmed by a clinician. The grades and the next step may change.';
  if (kind === 'report' && !visit.signOff?.current)
    return visit.signOff
      ? 'a result was amended after the clinician signed this visit off: it needs signing off again.'
      : 'every result is confirmed, but no clinician has signed this visit off yet.';
  return null;
}

/** Reads what the report of visit `visitId` shows: the patient, both eyes with their pictures, the models' figures. */
export async function visitReport(
  ctx: ReportContext,
  visitId: number,
  now: Date = new Date(),
  kind: 'report' | 'referral' = 'report',
): Promise<VisitReport> {
  const { patient, visit } = visitDetail(ctx.db, visitId);
  const clinic = storedClinic(ctx);
  const eyes: ReportEye[] = [];
  for (const eye of ['OD', 'OS'] as const) {
    const photographs: ReportPhotograph[] = [];
    for (const image of visit.images.filter((i) => i.eye === eye)) {
      const files = resultFilesForImage(ctx.db, image.id);
      const stored = getStoredImage(ctx.db, image.id);
      photographs.push({
        image,
        photo: await maybe(ctx, stored.thumbnailSha256),
        preview: await maybe(ctx, files.preview),
        heatmap: await maybe(ctx, files.heatmap),
      });
    }
    eyes.push({ eye, outcome: visit.outcome.eyes[eye], photographs });
  }
  const models: ReportModel[] = [];
  for (const model of modelsOf(visit.images).values())
    models.push({
      ...model,
      backends: [...model.backends],
      figures: await modelFigures(
        ctx.modelDir,
        model.name,
        model.version,
        ctx.dataDir ? [localModelsDir(ctx.dataDir)] : [],
      ),
    });
  return {
    clinic: { ...clinic, logo: await maybe(ctx, clinic.logoSha256) },
    patient,
    visit,
    due: dueDate(visit.date, visit.outcome.rule),
    eyes,
    models,
    provisional: provisionalWhy(visit, kind) !== null,
    provisionalWhy: provisionalWhy(visit, kind),
    generatedAt: now,
  };
}
