import { EYE_NAMES } from '../../domain/eye.ts';
import { eyeFromFileName } from '../../domain/eye.ts';
import type { DicomIdentity, Eye, ImportImageInput, ImportImageOutput } from '../../contract/index.ts';
import { hasDicomMarker } from '../../domain/dicom-marker.ts';
import { AppError } from '../../domain/errors.ts';
import { findImage, getImage, insertImage } from '../db/images-repo.ts';
import { insertResult, type NewResult } from '../db/results-repo.ts';
import type { GradedImage } from '../../model/index.ts';
import { referableThresholdInForce } from '../db/settings-repo.ts';
import { getPatient } from '../db/patients-repo.ts';
import { createVisit, getVisit, visitOnDate } from '../db/visits-repo.ts';
import type { AppContext } from './app-context-type.ts';
import { sha256Hex } from './image-store.ts';
import { withStoredFiles } from './stored-files.ts';

/** A grading as the results table records it, judged at the site's operating point when it set one. */
export function resultOf(
  ctx: Pick<AppContext, 'db'>,
  graded: GradedImage,
  files: { preview: string; heatmap: string | null; maculopathy: string | null },
): NewResult {
  return {
    quality: graded.quality,
    grade: graded.grade,
    probabilities: graded.probabilities,
    referableProbability: graded.referableProbability,
    referableThreshold: referableThresholdInForce(ctx.db, graded.referableThreshold),
    maculopathy: graded.maculopathy,
    model: graded.model,
    backend: graded.backend,
    timings: graded.timings,
    previewSha256: files.preview,
    heatmapSha256: files.heatmap,
    maculopathyEvidenceSha256: files.maculopathy,
  };
}

function eyeWarning(chosen: Eye, fileName: string): string | null {
  const named = eyeFromFileName(fileName);
  if (!named || named === chosen) return null;
  return `The file name says ${EYE_NAMES[named]} eye (${named}), but it was put on the ${EYE_NAMES[chosen]} eye (${chosen}).`;
}

/**
 * Imports one photograph into a visit: grade it (which also proves it is a readable image), store the
 * original, thumbnail and model preview by content, then record image and result in one transaction.
 * Files are written before the rows that point at them, so a crash leaves at worst an unreferenced file. A visit
 * asked for by patient and date is opened in the same transaction as the photograph, so a photograph that
 * cannot be read leaves no empty visit behind.
 */
export async function importImage(
  ctx: AppContext,
  input: ImportImageInput,
  /** A frame decoded from a DICOM file: its identity, and the stored DICOM file it came from. */
  dicom?: DicomIdentity & { sha256: string },
): Promise<ImportImageOutput> {
  // The visit it goes into, if it exists yet (a visit asked for by patient and date may not).
  let known: { id: number } | null;
  if ('visitId' in input) known = getVisit(ctx.db, input.visitId);
  else {
    getPatient(ctx.db, input.visit.patientId);
    known = visitOnDate(ctx.db, input.visit.patientId, input.visit.date);
  }
  const eye = input.eye ?? eyeFromFileName(input.fileName);
  if (!eye)
    throw new AppError(
      'INVALID_INPUT',
      `Choose the eye for ${input.fileName}: its name does not say left or right.`,
    );
  if (hasDicomMarker(input.bytes))
    throw new AppError(
      'INVALID_INPUT',
      `${input.fileName} is a DICOM file: import it as DICOM, so its header is read.`,
    );
  const warning = eyeWarning(eye, input.fileName);
  // Asked before anything is stored: a photograph filed under the wrong eye misleads every later reading.
  if (warning && !input.confirmEye) throw new AppError('NEEDS_CONFIRMATION', warning);
  const sha256 = sha256Hex(input.bytes);
  const existing = known ? findImage(ctx.db, known.id, eye, sha256) : null;
  if (existing) return { image: existing, duplicate: true, eyeWarning: warning };

  const graded = await ctx.grading.grade(input.bytes);
  const stored = await withStoredFiles(ctx.store, ctx.db, async (put) => {
    // One after another: when one write fails, none is still under way while the others are cleaned up.
    const original = await put(input.bytes, sha256);
    const thumbnail = await put(graded.thumbnailJpeg);
    const preview = await put(graded.previewPng);
    const heatmap = graded.heatmapPng ? await put(graded.heatmapPng) : null;
    const evidence = graded.maculopathyEvidencePng ? await put(graded.maculopathyEvidencePng) : null;
    return ctx.db.transaction(() => {
      const visitId = 'visitId' in input ? input.visitId : createVisit(ctx.db, input.visit).id;
      // A concurrent import of the same photograph may have landed while this one was grading.
      const raced = findImage(ctx.db, visitId, eye, original.sha256);
      if (raced) return { id: raced.id, duplicate: true };
      const id = insertImage(ctx.db, {
        visitId,
        eye,
        fileName: input.fileName,
        sha256: original.sha256,
        mimeType: graded.mimeType,
        width: graded.width,
        height: graded.height,
        thumbnailSha256: thumbnail.sha256,
        ...(dicom ? { dicom } : {}),
      });
      insertResult(
        ctx.db,
        id,
        resultOf(ctx, graded, {
          preview: preview.sha256,
          heatmap: heatmap?.sha256 ?? null,
          maculopathy: evidence?.sha256 ?? null,
        }),
      );
      return { id, duplicate: false };
    })();
  });
  return { image: getImage(ctx.db, stored.id), duplicate: stored.duplicate, eyeWarning: warning };
}
