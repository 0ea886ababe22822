import path from 'node:path';
import { localIsoDate } from '../../domain/dates.ts';
import { hasDicomMarker } from '../../domain/dicom-marker.ts';
import { AppError } from '../../domain/errors.ts';
import { readDicomHeader } from '../../model/index.ts';
import type { WatchOutcome } from '../db/watch-repo.ts';
import type { AppContext } from '../services/app-context-type.ts';
import { importDicom } from '../services/import-dicom.ts';
import { importImage } from '../services/import-image.ts';
import { planImport } from '../services/import-plan.ts';
import { findPatientByClinicId } from '../db/patients-repo.ts';

/** The files a camera export holds: photographs, and DICOM (often written with no extension at all). */
const WATCHED_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.dcm', '.dicom', '']);

export function isWatchedName(file: string): boolean {
  const base = path.basename(file);
  // Hidden and temporary files are how cameras and copy tools write before a rename: never imported.
  if (base.startsWith('.') || base.startsWith('~') || /\.(tmp|part|crdownload)$/i.test(base)) return false;
  return WATCHED_EXTENSIONS.has(path.extname(base).toLowerCase());
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function placeDicom(ctx: AppContext, name: string, bytes: Uint8Array): Promise<WatchOutcome> {
  let header;
  try {
    header = readDicomHeader(bytes);
  } catch (error) {
    return { status: 'failed', message: message(error), imageIds: [] };
  }
  if (header.patientId && !findPatientByClinicId(ctx.db, header.patientId))
    return {
      status: 'unmatched',
      message: `No patient has clinic ID “${header.patientId}” (${header.patientName || 'no name in the header'}).`,
      imageIds: [],
      registrable: { clinicId: header.patientId, name: header.patientName || `Patient ${header.patientId}` },
    };
  try {
    const out = await importDicom(ctx, { fileName: name, bytes });
    const fresh = out.images.filter((i) => !i.duplicate);
    return {
      status: fresh.length ? 'imported' : 'duplicate',
      message: fresh.length
        ? `Imported into ${out.patient.name} (${out.patient.clinicId}), ${out.images[0]!.image.eye}.`
        : 'Already imported.',
      imageIds: out.images.map((i) => i.image.id),
    };
  } catch (error) {
    // A header that cannot place the file (no eye, no date) waits for staff; a broken picture has failed.
    const waits = error instanceof AppError && (error.code === 'INVALID_INPUT' || error.code === 'NOT_FOUND');
    return { status: waits ? 'unmatched' : 'failed', message: message(error), imageIds: [] };
  }
}

async function placePhotograph(ctx: AppContext, name: string, bytes: Uint8Array): Promise<WatchOutcome> {
  const [plan] = planImport(ctx.db, [path.basename(name)], { kind: 'pattern' });
  if (!plan!.patient || !plan!.eye)
    return { status: 'unmatched', message: plan!.problem ?? 'Not matched.', imageIds: [] };
  try {
    const out = await importImage(ctx, {
      // A camera export is today's: the watched file goes into the patient's visit of today.
      visit: { patientId: plan!.patient.id, date: localIsoDate() },
      eye: plan!.eye,
      fileName: path.basename(name),
      bytes,
    });
    return {
      status: out.duplicate ? 'duplicate' : 'imported',
      message: out.duplicate
        ? 'Already imported for this eye and visit.'
        : `Imported into ${plan!.patient.name} (${plan!.patient.clinicId}), ${plan!.eye}.`,
      imageIds: [out.image.id],
    };
  } catch (error) {
    return { status: 'failed', message: message(error), imageIds: [] };
  }
}

/**
 * What to do with one file from the watch folder: a DICOM file goes where its header says, a photograph where
 * its name says (the site's file-name pattern). A file that cannot be placed is left unmatched, for staff.
 */
export function placeWatchedFile(ctx: AppContext, name: string, bytes: Uint8Array): Promise<WatchOutcome> {
  return hasDicomMarker(bytes) ? placeDicom(ctx, name, bytes) : placePhotograph(ctx, name, bytes);
}
