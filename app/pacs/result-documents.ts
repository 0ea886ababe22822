// A visit's result as DICOM, for the PACS: the PDF report as Encapsulated PDF, and the findings as a Basic Text
// Structured Report, both written by dcmjs into the visit's own study (the photographs' study when they came from a
// PACS), so the PACS shows them beside the photographs.
import dcmjs from 'dcmjs';
import { SCREENING_DISCLAIMER } from '../../contract/app.ts';
import { alsoNeededText, describeRule, eyeFinding } from '../../contract/referral-text.ts';
import { EYE_NAMES } from '../../domain/eye.ts';
import { dicomUidFrom } from '../reports/fhir-bundle.ts';
import type { VisitReport } from '../reports/visit-report.ts';

const { DicomDict, DicomMetaDictionary } = dcmjs.data;

export const SOP = {
  encapsulatedPdf: '1.2.840.10008.5.1.4.1.1.104.1',
  basicTextSr: '1.2.840.10008.5.1.4.1.1.88.11',
} as const;
const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';

/** The study the documents go into: the photographs' own (from their DICOM headers), or one derived from the visit. */
export function studyUidOf(report: VisitReport): string {
  const fromDicom = report.visit.images.find((i) => i.dicom?.studyInstanceUid)?.dicom?.studyInstanceUid;
  return fromDicom || dicomUidFrom(`eyenet-visit:${report.visit.id}`);
}

const da = (iso: string) => iso.slice(0, 10).replaceAll('-', '');
const tm = (date: Date) => date.toISOString().slice(11, 19).replaceAll(':', '');
const pn = (name: string) => {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? `${parts.at(-1)}^${parts.slice(0, -1).join(' ')}` : name.trim();
};

/**
 * The document's identity: both documents of one visit version get the same UIDs each time they are written
 * (a retry after a lost answer stores the same instance again instead of a second copy).
 */
function common(report: VisitReport, sopClass: string, kind: string, version: string, studyUid?: string) {
  const seed = `eyenet-${kind}:${report.visit.id}:${version}`;
  const sopInstanceUid = dicomUidFrom(`${seed}:instance`);
  const now = report.generatedAt;
  const dataset: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: sopClass,
    SOPInstanceUID: sopInstanceUid,
    StudyInstanceUID: studyUid ?? studyUidOf(report),
    SeriesInstanceUID: dicomUidFrom(`${seed}:series`),
    PatientName: pn(report.patient.name),
    PatientID: report.patient.clinicId,
    PatientBirthDate: report.patient.dateOfBirth ? da(report.patient.dateOfBirth) : '',
    PatientSex: report.patient.sex ?? '',
    StudyDate: da(report.visit.date),
    StudyTime: '',
    AccessionNumber: '',
    ReferringPhysicianName: '',
    StudyID: '',
    SeriesNumber: kind === 'sr' ? '901' : '902',
    InstanceNumber: '1',
    Manufacturer: 'EyeNet',
    ContentDate: da(now.toISOString()),
    ContentTime: tm(now),
    InstanceCreationDate: da(now.toISOString()),
    InstanceCreationTime: tm(now),
  };
  return { dataset, sopInstanceUid };
}

function write(dataset: Record<string, unknown>, sopClass: string, sopInstanceUid: string): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_LITTLE,
    ImplementationClassUID: '2.25.1',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/** The PDF report as an Encapsulated PDF instance. */
export function encapsulatedPdf(
  report: VisitReport,
  pdf: Uint8Array,
  version: string,
  studyUid?: string,
): Uint8Array {
  const { dataset, sopInstanceUid } = common(report, SOP.encapsulatedPdf, 'pdf', version, studyUid);
  // The value must have an even length; PDF readers ignore a trailing NUL.
  const even = pdf.byteLength % 2 === 0 ? pdf : Uint8Array.from([...pdf, 0]);
  Object.assign(dataset, {
    Modality: 'DOC',
    ConversionType: 'WSD',
    BurnedInAnnotation: 'YES',
    DocumentTitle: report.provisional
      ? 'Diabetic retinopathy screening (provisional)'
      : 'Diabetic retinopathy screening',
    ConceptNameCodeSequence: [],
    AcquisitionDateTime: '',
    MIMETypeOfEncapsulatedDocument: 'application/pdf',
    EncapsulatedDocument: even.buffer.slice(even.byteOffset, even.byteOffset + even.byteLength),
    _vrMap: { EncapsulatedDocument: 'OB' },
  });
  return write(dataset, SOP.encapsulatedPdf, sopInstanceUid);
}

const code = (value: string, scheme: string, meaning: string) => [
  { CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning },
];

function textItem(meaning: string, text: string) {
  return {
    RelationshipType: 'CONTAINS',
    ValueType: 'TEXT',
    ConceptNameCodeSequence: code(meaning === 'Finding' ? '121071' : '121073', 'DCM', meaning),
    TextValue: text.slice(0, 1024),
  };
}

/** What the report says, as lines: each eye's finding, the next step, the models, the disclaimer. */
export function findingLines(report: VisitReport): { meaning: 'Finding' | 'Impression'; text: string }[] {
  const lines: { meaning: 'Finding' | 'Impression'; text: string }[] = [];
  for (const eye of report.eyes) {
    const who =
      eye.outcome.source === 'clinician'
        ? 'clinician'
        : eye.outcome.source === 'model'
          ? 'screening model, not yet confirmed'
          : '';
    lines.push({
      meaning: 'Finding',
      text: `${EYE_NAMES[eye.eye].replace(/^./, (c) => c.toUpperCase())} eye (${eye.eye}): ${eyeFinding(eye.outcome)}${who ? ` [${who}]` : ''}.`,
    });
  }
  const outcome = report.visit.outcome;
  const also = alsoNeededText(outcome);
  lines.push({
    meaning: 'Impression',
    text: `Next step: ${describeRule(outcome.rule)}${report.due ? ` (due ${report.due})` : ''}.${also ? ` ${also}` : ''}`,
  });
  for (const model of report.models)
    lines.push({
      meaning: 'Finding',
      text: `Screening model ${model.name} ${model.version}${model.validated ? '' : ' (NOT VALIDATED)'}, engine ${model.backends.join(', ')}.`,
    });
  if (report.provisionalWhy)
    lines.push({ meaning: 'Impression', text: `Provisional: ${report.provisionalWhy}` });
  lines.push({ meaning: 'Impression', text: SCREENING_DISCLAIMER });
  return lines;
}

/**
 * The findings as a Basic Text SR. Verified (with the clinician who signed the visit off) only when the visit is
 * signed off and current; a worker's or an unsigned visit's result is UNVERIFIED and PARTIAL. `studyUid` puts it
 * into that study instead of the photographs' (a worker writes into the study it graded).
 */
export function structuredReport(report: VisitReport, version: string, studyUid?: string): Uint8Array {
  const { dataset, sopInstanceUid } = common(report, SOP.basicTextSr, 'sr', version, studyUid);
  const signOff = report.visit.signOff;
  const verified = !report.provisional && signOff?.current === true;
  Object.assign(dataset, {
    Modality: 'SR',
    ValueType: 'CONTAINER',
    ContinuityOfContent: 'SEPARATE',
    ConceptNameCodeSequence: code('18748-4', 'LN', 'Diagnostic imaging report'),
    CompletionFlag: verified ? 'COMPLETE' : 'PARTIAL',
    VerificationFlag: verified ? 'VERIFIED' : 'UNVERIFIED',
    ...(verified
      ? {
          VerifyingObserverSequence: [
            {
              VerifyingObserverName: pn(signOff.by),
              VerifyingOrganization: report.clinic.name || 'EyeNet clinic',
              VerificationDateTime: signOff.at.replace(/[-:T]/g, '').slice(0, 14),
              VerifyingObserverIdentificationCodeSequence: [],
            },
          ],
        }
      : {}),
    ContentTemplateSequence: [],
    ContentSequence: findingLines(report).map((line) => textItem(line.meaning, line.text)),
  });
  return write(dataset, SOP.basicTextSr, sopInstanceUid);
}
