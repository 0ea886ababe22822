import { eyeFromFileName } from '../../model/eye.ts';
import type { ImportPlanItem, ImportTargetPatient, ImportTargetPattern } from '../api/contract/types.ts';
import { findPatientByClinicId, getPatient } from '../db/patients-repo.ts';
import { getSetting } from '../db/settings-repo.ts';
import type { Database } from '../db/database.ts';
import { DEFAULT_IMPORT_PATTERN, compileFileNamePattern, hasImageExtension } from './file-pattern.ts';

export const IMPORT_PATTERN = 'importPattern';

export function importPatternInForce(db: Database): string {
  return getSetting<string>(db, IMPORT_PATTERN) ?? DEFAULT_IMPORT_PATTERN;
}

const NO_EYE = 'The file name does not say which eye (left/right, OD/OS).';

/**
 * Decides, before any photograph is read, which patient and eye each file of a batch belongs to, and why
 * a file will be skipped. Changes nothing: the renderer shows the plan, then imports the matched files.
 */
export function planImport(
  db: Database,
  fileNames: readonly string[],
  target: ImportTargetPattern | ImportTargetPatient,
): ImportPlanItem[] {
  if (target.kind === 'patient') {
    const patient = getPatient(db, target.patientId);
    const ref = { id: patient.id, clinicId: patient.clinicId, name: patient.name };
    return fileNames.map((fileName) => {
      if (!hasImageExtension(fileName))
        return { fileName, patient: null, eye: null, problem: 'Not a photograph (unsupported file type).' };
      const eye = eyeFromFileName(fileName);
      return { fileName, patient: ref, eye, problem: eye ? null : NO_EYE };
    });
  }
  const pattern = target.pattern ?? importPatternInForce(db);
  const match = compileFileNamePattern(pattern);
  return fileNames.map((fileName) => {
    if (!hasImageExtension(fileName))
      return { fileName, patient: null, eye: null, problem: 'Not a photograph (unsupported file type).' };
    const matched = match(fileName);
    if (!matched)
      return { fileName, patient: null, eye: null, problem: `The file name does not match “${pattern}”.` };
    const patient = findPatientByClinicId(db, matched.clinicId);
    if (!patient)
      return {
        fileName,
        patient: null,
        eye: matched.eye,
        problem: `No patient with clinic ID “${matched.clinicId}”. Register the patient, then import again.`,
      };
    const ref = { id: patient.id, clinicId: patient.clinicId, name: patient.name };
    return { fileName, patient: ref, eye: matched.eye, problem: matched.eye ? null : NO_EYE };
  });
}
