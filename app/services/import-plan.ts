import { eyeFromFileName } from '../../domain/eye.ts';
import type { ImportPlanItem, ImportTargetPatient, ImportTargetPattern } from '../../contract/index.ts';
import { findPatientByClinicId, getPatient, patientRef } from '../db/patients-repo.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting } from '../db/settings-repo.ts';
import type { Database } from '../db/database.ts';
import { hasImageExtension } from '../../model/index.ts';
import { DEFAULT_IMPORT_PATTERN, compileFileNamePattern } from './file-pattern.ts';

export function importPatternInForce(db: Database): string {
  return getSetting<string>(db, SETTING_KEYS.importPattern) ?? DEFAULT_IMPORT_PATTERN;
}

const NO_EYE = 'The file name does not say which eye (left/right, OD/OS).';
const NOT_A_PHOTO = 'Not a photograph (unsupported file type).';

type FileMatch = Pick<ImportPlanItem, 'patient' | 'eye'> & { problem?: string };

/** Everything to one patient: the eye comes from the file name. */
function toOnePatient(db: Database, patientId: number): (fileName: string) => FileMatch {
  const patient = patientRef(getPatient(db, patientId));
  return (fileName) => ({ patient, eye: eyeFromFileName(fileName) });
}

/** Clinic ID (and eye, when the pattern has it) from the file name, then the patient with that clinic ID. */
function byPattern(db: Database, pattern: string): (fileName: string) => FileMatch {
  const match = compileFileNamePattern(pattern);
  return (fileName) => {
    const matched = match(fileName);
    if (!matched) return { patient: null, eye: null, problem: `The file name does not match “${pattern}”.` };
    const patient = findPatientByClinicId(db, matched.clinicId);
    if (!patient)
      return {
        patient: null,
        eye: matched.eye,
        problem: `No patient with clinic ID “${matched.clinicId}”. Register the patient, then import again.`,
      };
    return { patient: patientRef(patient), eye: matched.eye };
  };
}

/**
 * Decides, before any photograph is read, which patient and eye each file of a batch belongs to, and why
 * a file will be skipped. Changes nothing: the renderer shows the plan, then imports the matched files.
 */
export function planImport(
  db: Database,
  fileNames: readonly string[],
  target: ImportTargetPattern | ImportTargetPatient,
): ImportPlanItem[] {
  const match =
    target.kind === 'patient'
      ? toOnePatient(db, target.patientId)
      : byPattern(db, target.pattern ?? importPatternInForce(db));
  return fileNames.map((fileName) => {
    if (!hasImageExtension(fileName)) return { fileName, patient: null, eye: null, problem: NOT_A_PHOTO };
    const { patient, eye, problem } = match(fileName);
    return { fileName, patient, eye, problem: problem ?? (eye ? null : NO_EYE) };
  });
}
