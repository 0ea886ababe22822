// Which DICOM instances from a PACS are fundus photographs EyeNet may grade: a PACS study can hold OCT volumes,
// reports and other pictures beside them, and those must be refused with a reason, never graded.
import { errorMessage } from '../../domain/errors.ts';
import { readDicomHeader } from '../../model/index.ts';
import { SOP } from './result-documents.ts';

/** Photograph storage classes: ophthalmic photography 8 and 16 bit, VL photographic, and secondary captures. */
export const PHOTOGRAPH_SOP_CLASSES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.77.1.5.1': 'Ophthalmic Photography 8 Bit',
  '1.2.840.10008.5.1.4.1.1.77.1.5.2': 'Ophthalmic Photography 16 Bit',
  '1.2.840.10008.5.1.4.1.1.77.1.4': 'VL Photographic',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture',
  '1.2.840.10008.5.1.4.1.1.7.4': 'Multi-frame True Color Secondary Capture',
};

const KNOWN_OTHERS: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.77.1.5.4': 'an OCT volume (Ophthalmic Tomography)',
  [SOP.encapsulatedPdf]: 'an encapsulated PDF',
  [SOP.basicTextSr]: 'a structured report',
  '1.2.840.10008.5.1.4.1.1.88.22': 'a structured report',
  '1.2.840.10008.5.1.4.1.1.88.33': 'a structured report',
};

/** Why an instance is not a fundus photograph to grade, or null when it is one. */
export function notAPhotograph(bytes: Uint8Array): string | null {
  let sopClass: string;
  try {
    sopClass = readDicomHeader(bytes).sopClassUid;
  } catch (error) {
    return errorMessage(error);
  }
  if (PHOTOGRAPH_SOP_CLASSES[sopClass]) return null;
  return `It is ${KNOWN_OTHERS[sopClass] ?? `not a photograph (SOP class ${sopClass || 'missing'})`}: EyeNet grades fundus photographs only.`;
}
