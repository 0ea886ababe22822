import type {
  DicomImportInput,
  DicomImportOutput,
  DicomPlanItem,
  DicomSummary,
  ImportImageOutput,
  NewPatient,
  Patient,
} from '../../contract/index.ts';
import { localIsoDate } from '../../domain/dates.ts';
import { EYE_NAMES } from '../../domain/eye.ts';
import { AppError } from '../../domain/errors.ts';
import { readDicom, readDicomHeader, type DicomHeader } from '../../model/index.ts';
import type { Database } from '../db/database.ts';
import { findDicomImage } from '../db/images-repo.ts';
import { createPatient, findPatientByClinicId, getPatient, patientRef } from '../db/patients-repo.ts';
import { getVisit } from '../db/visits-repo.ts';
import type { AppContext } from './app-context-type.ts';
import { sha256Hex } from './image-store.ts';
import { importImage } from './import-image.ts';

export function dicomSummary(h: DicomHeader): DicomSummary {
  return {
    patientName: h.patientName,
    patientId: h.patientId,
    birthDate: h.birthDate,
    sex: h.sex,
    studyDate: h.studyDate,
    eye: h.eye,
    camera: [h.manufacturer, h.model].filter(Boolean).join(' '),
    frames: h.frames,
    transferSyntax: h.transferSyntax,
  };
}

/** The patient a header would register: its ID, name, and birth date and sex when they are plausible. */
function newPatientOf(h: DicomHeader): NewPatient {
  const today = localIsoDate();
  const born = h.birthDate && h.birthDate <= today && h.birthDate >= '1900-01-01' ? h.birthDate : null;
  return {
    clinicId: h.patientId,
    name: h.patientName || `Patient ${h.patientId}`,
    dateOfBirth: born,
    sex: h.sex,
  };
}

/** Why a header cannot be imported by itself (into its own patient and study date), or null. */
function headerProblem(h: DicomHeader): string | null {
  if (!h.patientId)
    return 'The DICOM header has no Patient ID. Import it from the patient’s page, into a visit and eye.';
  if (!h.studyDate)
    return 'The DICOM header has no study date. Import it from the patient’s page, into a visit.';
  if (h.studyDate > localIsoDate()) return `The DICOM study date ${h.studyDate} is in the future.`;
  if (!h.eye)
    return 'The DICOM header does not say which eye (Image Laterality). Import it from the patient’s page, into an eye.';
  return null;
}

/**
 * The import plan of DICOM files from their headers alone: who (by Patient ID, or a patient to register), which
 * eye and which visit date. Changes nothing.
 */
export function planDicom(
  db: Database,
  files: readonly { fileName: string; head: Uint8Array }[],
): DicomPlanItem[] {
  return files.map(({ fileName, head }) => {
    let h: DicomHeader;
    try {
      h = readDicomHeader(head);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        fileName,
        dicom: null,
        patient: null,
        newPatient: null,
        eye: null,
        visitDate: null,
        problem: message,
      };
    }
    const problem = headerProblem(h);
    const patient = h.patientId ? findPatientByClinicId(db, h.patientId) : null;
    return {
      fileName,
      dicom: dicomSummary(h),
      patient: patient ? patientRef(patient) : null,
      newPatient: !problem && !patient ? newPatientOf(h) : null,
      eye: h.eye,
      visitDate: h.studyDate,
      problem,
    };
  });
}

function assertEye(h: DicomHeader, input: DicomImportInput): void {
  if (!input.eye || !h.eye || input.eye === h.eye || input.confirmEye) return;
  throw new AppError(
    'NEEDS_CONFIRMATION',
    `The DICOM header says ${EYE_NAMES[h.eye]} eye (${h.eye}), but it was put on the ${EYE_NAMES[input.eye]} eye (${input.eye}).`,
  );
}

/**
 * Imports a DICOM photograph: every frame, graded like any photograph, with the file's UIDs kept (a frame already
 * imported is recognised by its SOP Instance UID, wherever it went) and the DICOM file itself stored beside the
 * decoded picture. Without `visitId` it goes to the header's patient (registered first when asked) and study date.
 */
export async function importDicom(ctx: AppContext, input: DicomImportInput): Promise<DicomImportOutput> {
  const file = readDicom(input.bytes);
  const h = file.header;
  assertEye(h, input);
  const eye = input.eye ?? h.eye;
  if (!eye)
    throw new AppError(
      'INVALID_INPUT',
      `Choose the eye for ${input.fileName}: its DICOM header does not say.`,
    );
  // The first frame decodes before anything is stored or registered: an unreadable picture changes nothing.
  const first = await file.framePng(0);
  await ctx.grading.ready;
  if (!ctx.grading.model)
    throw new AppError(
      'MODEL_UNAVAILABLE',
      `Grading is unavailable: ${ctx.grading.error ?? 'unknown error'}`,
    );

  let patient: Patient;
  let registered = false;
  let visitId: number | null = input.visitId ?? null;
  if (visitId !== null) {
    patient = getPatient(ctx.db, getVisit(ctx.db, visitId).patientId);
    // A photograph of someone else is the worst mistake an import can make: the header is asked first.
    if (h.patientId && h.patientId !== patient.clinicId)
      throw new AppError(
        'INVALID_INPUT',
        `The DICOM header names ${h.patientName || 'another patient'} (Patient ID ${h.patientId}), not ${patient.name} (${patient.clinicId}). ` +
          'Import it into the right patient, or correct the patient ID at the camera.',
      );
  } else {
    const problem = headerProblem(h);
    if (problem) throw new AppError('INVALID_INPUT', problem);
    const known = findPatientByClinicId(ctx.db, h.patientId);
    if (known) patient = known;
    else if (input.registerPatient) {
      patient = createPatient(ctx.db, newPatientOf(h));
      registered = true;
    } else
      throw new AppError(
        'NOT_FOUND',
        `No patient has clinic ID “${h.patientId}” (${h.patientName || 'no name in the header'}). Register them, or let the import register them.`,
      );
  }

  const dicomSha256 = sha256Hex(input.bytes);
  await ctx.store.put(input.bytes, dicomSha256);
  const camera = [h.manufacturer, h.model].filter(Boolean).join(' ');
  const images: ImportImageOutput[] = [];
  for (let frame = 0; frame < h.frames; frame++) {
    const existing = h.sopInstanceUid ? findDicomImage(ctx.db, h.sopInstanceUid, frame) : null;
    if (existing) {
      images.push({ image: existing, duplicate: true, eyeWarning: null });
      visitId ??= existing.visitId;
      continue;
    }
    const bytes = frame === 0 ? first : await file.framePng(frame);
    const fileName = h.frames > 1 ? `${input.fileName} (frame ${frame + 1} of ${h.frames})` : input.fileName;
    const target =
      visitId !== null
        ? { visitId }
        : { visit: { patientId: patient.id, date: h.studyDate!, operator: input.operator ?? '', camera } };
    // The header decided the eye (and assertEye asked about a disagreement): the file name does not ask again.
    const out = await importImage(
      ctx,
      { ...target, eye, confirmEye: true, fileName, bytes },
      {
        sopInstanceUid: h.sopInstanceUid,
        sopClassUid: h.sopClassUid,
        seriesInstanceUid: h.seriesInstanceUid,
        studyInstanceUid: h.studyInstanceUid,
        frame,
        sha256: dicomSha256,
        // The photograph keeps its own camera: the visit may already name another (typed, or another file's).
        camera,
      },
    );
    visitId ??= out.image.visitId;
    images.push(out);
  }
  return { patient: patientRef(patient), registered, visitId: visitId!, images };
}
