// A study's instances into the record, as a pull and a grading worker both take them: fundus photographs through the
// DICOM import (patient by Patient ID, registered when new; eye by laterality), anything else refused with a reason.
import { AppError, errorMessage } from '../../domain/errors.ts';
import type { AppContext } from '../services/app-context-type.ts';
import { importDicom } from '../services/import-dicom.ts';
import { notAPhotograph } from './fundus-instance.ts';

export interface ImportedStudy {
  /** The visit and patient the photographs went to; null when none was imported. */
  visitId: number | null;
  patientRecordId: number | null;
  /** Photographs imported now, and photographs already in the record (the same SOP instance and frame). */
  imported: number;
  duplicates: number;
  /** "instance N: why" for each instance left out. */
  refused: string[];
  /** Why nothing could be graded, in a sentence; null when something was. */
  nothingToGrade: string | null;
}

/** Faults of this computer, not of the study: they stop the import (and the study is taken again later). */
const FAULTS_OF_THIS_COMPUTER = new Set(['MODEL_UNAVAILABLE', 'STORAGE_FULL']);

export async function importStudy(
  ctx: AppContext,
  studyInstanceUid: string,
  files: readonly Uint8Array[],
  operator: string,
): Promise<ImportedStudy> {
  const out: ImportedStudy = {
    visitId: null,
    patientRecordId: null,
    imported: 0,
    duplicates: 0,
    refused: [],
    nothingToGrade: null,
  };
  for (const [index, bytes] of files.entries()) {
    const problem = notAPhotograph(bytes);
    if (problem) {
      out.refused.push(`instance ${index + 1}: ${problem}`);
      continue;
    }
    try {
      const fileName = `PACS study ${studyInstanceUid}, instance ${index + 1}`;
      const done = await importDicom(ctx, { fileName, bytes, registerPatient: true, operator });
      out.visitId ??= done.visitId;
      out.patientRecordId ??= done.patient.id;
      for (const image of done.images)
        if (image.duplicate) out.duplicates++;
        else out.imported++;
    } catch (error) {
      if (error instanceof AppError && FAULTS_OF_THIS_COMPUTER.has(error.code)) throw error;
      out.refused.push(`instance ${index + 1}: ${errorMessage(error)}`);
    }
  }
  if (out.visitId === null)
    out.nothingToGrade = files.length
      ? `Nothing to grade: ${out.refused.join('; ')}`
      : 'The study has no instances.';
  return out;
}

/** "; left out instance 2: …" after a summary, or '' when nothing was left out. */
export const leftOut = (study: ImportedStudy): string =>
  study.refused.length ? `; left out ${study.refused.join('; ')}` : '';
