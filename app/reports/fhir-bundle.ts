import { createHash } from 'node:crypto';
import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  Coding,
  Device,
  DiagnosticReport,
  Encounter,
  ImagingStudy,
  ImagingStudySeries,
  Observation,
  Organization,
  Patient as FhirPatient,
  Practitioner,
  Resource,
} from '@medplum/fhirtypes';
import type { FundusImage, Patient, VisitDetail } from '../../contract/index.ts';
import { CATEGORY_LABELS, describeRule, dueDate, eyeFinding } from '../../contract/referral-text.ts';
import { EYE_NAMES, type Eye } from '../../domain/eye.ts';
import { GRADE_NAMES } from '../../domain/grades.ts';
import {
  MACULOPATHY_NOT_ASSESSED,
  MACULOPATHY_SUSPICION,
  maculopathyResultText,
} from '../../contract/maculopathy.ts';
import { qualityReasonTexts } from '../../domain/quality.ts';
import type { StoredClinic } from './clinic.ts';
import { decidingPhotograph } from './deciding-photograph.ts';

const SNOMED = 'http://snomed.info/sct';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
/** EyeNet's own code systems: the ICDR grade as graded, and the clinic ID a patient is registered under. */
export const ICDR_SYSTEM = 'urn:eyenet:fhir:icdr-grade';
export const CLINIC_ID_SYSTEM = 'urn:eyenet:clinic-id';
/** DICOM SOP class of Ophthalmic Photography 8 Bit Image Storage. */
const OP_8BIT_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.77.1.5.1';

/**
 * SNOMED CT concepts for ICDR grades 1–4 (nonproliferative mild, moderate, severe; proliferative, each "due to
 * diabetes mellitus"). Grade 0 has only the ICDR code: we found no SNOMED concept we could confirm offline for
 * "no diabetic retinopathy". Check these against the clinic's terminology server before relying on them.
 */
const SNOMED_GRADES: Record<number, Coding> = {
  1: {
    system: SNOMED,
    code: '312903003',
    display: 'Mild nonproliferative retinopathy due to diabetes mellitus',
  },
  2: {
    system: SNOMED,
    code: '312904009',
    display: 'Moderate nonproliferative retinopathy due to diabetes mellitus',
  },
  3: {
    system: SNOMED,
    code: '312905005',
    display: 'Severe nonproliferative retinopathy due to diabetes mellitus',
  },
  4: { system: SNOMED, code: '59276001', display: 'Proliferative retinopathy due to diabetes mellitus' },
};

const EYE_STRUCTURE: Record<Eye, Coding> = {
  OD: { system: SNOMED, code: '18944008', display: 'Right eye structure' },
  OS: { system: SNOMED, code: '8966001', display: 'Left eye structure' },
};

const LATERALITY: Record<Eye, Coding> = {
  OD: { system: SNOMED, code: '24028007', display: 'Right' },
  OS: { system: SNOMED, code: '7771000', display: 'Left' },
};

/** A stable UUID from a seed (a SHA-256, shaped as a version-5-style UUID), so a re-export names the same things. */
function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A DICOM UID under the UUID-derived root 2.25 (PS3.5 B.2), for photographs that came without one. */
export function dicomUidFrom(seed: string): string {
  return `2.25.${BigInt(`0x${uuidFrom(seed).replace(/-/g, '')}`).toString()}`;
}

type Ref = { reference: string };

/** Collects resources under urn:uuid full URLs; the same key always gives the same resource and reference. */
class BundleBuilder {
  private readonly entries = new Map<string, BundleEntry>();

  add(key: string, make: () => Resource): Ref {
    const fullUrl = `urn:uuid:${uuidFrom(key)}`;
    if (!this.entries.has(fullUrl)) this.entries.set(fullUrl, { fullUrl, resource: make() });
    return { reference: fullUrl };
  }

  bundle(timestamp: Date): Bundle {
    return {
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: timestamp.toISOString(),
      entry: [...this.entries.values()],
    };
  }
}

/** The attached report of a visit (the PDF), made by the caller so this module stays free of rendering. */
export interface AttachedReport {
  fileName: string;
  pdf: Uint8Array;
}

export interface FhirVisit {
  patient: Patient;
  visit: VisitDetail;
  report: AttachedReport | null;
}

function patientResource(patient: Patient): FhirPatient {
  return {
    resourceType: 'Patient',
    identifier: [{ system: CLINIC_ID_SYSTEM, value: patient.clinicId }],
    name: [{ text: patient.name }],
    ...(patient.dateOfBirth ? { birthDate: patient.dateOfBirth } : {}),
    ...(patient.sex ? { gender: patient.sex } : {}),
  };
}

function clinicResource(clinic: StoredClinic): Organization {
  const lines = clinic.address
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return {
    resourceType: 'Organization',
    name: clinic.name || 'Diabetic eye screening',
    ...(lines.length ? { address: [{ text: lines.join(', '), line: lines }] } : {}),
  };
}

function gradeConcept(grade: number): CodeableConcept {
  const icdr: Coding = { system: ICDR_SYSTEM, code: String(grade), display: GRADE_NAMES[grade] };
  const snomed = SNOMED_GRADES[grade];
  return { coding: snomed ? [icdr, snomed] : [icdr], text: `ICDR grade ${grade}: ${GRADE_NAMES[grade]}` };
}

function photographUid(image: FundusImage): string {
  return image.dicom?.sopInstanceUid ?? dicomUidFrom(`image:${image.sha256}`);
}

class VisitResources {
  constructor(
    private readonly b: BundleBuilder,
    private readonly clinic: Ref,
    private readonly item: FhirVisit,
  ) {}

  private get key(): string {
    return `visit:${this.item.visit.id}`;
  }

  add(): void {
    const { patient, visit, report } = this.item;
    const subject = this.b.add(`patient:${patient.id}`, () => patientResource(patient));
    const encounter = this.b.add(this.key, (): Encounter => ({
      resourceType: 'Encounter',
      status: 'finished',
      class: {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: 'AMB',
        display: 'ambulatory',
      },
      type: [{ text: 'Diabetic retinopathy screening' }],
      subject,
      serviceProvider: this.clinic,
      period: { start: visit.date, end: visit.date },
    }));
    const study = visit.images.length ? this.study(subject, encounter) : null;
    const results = (['OD', 'OS'] as const).flatMap((eye) => {
      const o = this.observation(eye, subject, encounter, study);
      return o ? [o, this.maculopathy(eye, subject, encounter)] : [];
    });
    // Final only when every result is confirmed and a clinician signed the visit off since (an amendment after
    // the sign-off makes it preliminary again); the signer is the report's resultsInterpreter.
    const signOff = visit.signOff?.current ? visit.signOff : null;
    const final = visit.outcome.final && signOff !== null;
    const interpreter = signOff
      ? this.b.add(`practitioner:${signOff.by}`, (): Practitioner => ({
          resourceType: 'Practitioner',
          name: [{ text: signOff.by }],
        }))
      : null;
    const due = dueDate(visit.date, visit.outcome.rule);
    this.b.add(`${this.key}:report`, (): DiagnosticReport => ({
      resourceType: 'DiagnosticReport',
      status: final ? 'final' : 'preliminary',
      code: { text: 'Diabetic retinopathy screening report' },
      subject,
      encounter,
      effectiveDateTime: visit.date,
      issued: new Date().toISOString(),
      performer: [this.clinic],
      ...(interpreter ? { resultsInterpreter: [interpreter] } : {}),
      result: results,
      ...(study ? { imagingStudy: [study] } : {}),
      conclusion:
        `${describeRule(visit.outcome.rule)}${due ? ` (due ${due})` : ''}.` +
        (visit.outcome.decidingEye
          ? ` Decided by the ${EYE_NAMES[visit.outcome.decidingEye]} eye: ${eyeFinding(visit.outcome.eyes[visit.outcome.decidingEye])}.`
          : '') +
        (final
          ? ` Signed off by ${signOff!.by} (${signOff!.role}) at ${signOff!.at}.`
          : visit.outcome.final
            ? ' Provisional: not yet signed off by a clinician.'
            : ' Provisional: not every result has been confirmed by a clinician.'),
      ...(report
        ? {
            presentedForm: [
              {
                contentType: 'application/pdf',
                title: report.fileName,
                data: Buffer.from(report.pdf).toString('base64'),
              },
            ],
          }
        : {}),
    }));
  }

  private study(subject: Ref, encounter: Ref): Ref {
    const { visit } = this.item;
    const series: ImagingStudySeries[] = (['OD', 'OS'] as const)
      .map((eye) => ({ eye, images: visit.images.filter((i) => i.eye === eye) }))
      .filter((s) => s.images.length > 0)
      .map(({ eye, images }) => ({
        uid: images[0]!.dicom?.seriesInstanceUid ?? dicomUidFrom(`${this.key}:series:${eye}`),
        modality: { system: DCM, code: 'OP', display: 'Ophthalmic photography' },
        description: `${EYE_NAMES[eye]} eye fundus photographs`,
        bodySite: EYE_STRUCTURE[eye],
        laterality: LATERALITY[eye],
        numberOfInstances: images.length,
        instance: images.map((image) => ({
          uid: photographUid(image),
          sopClass: {
            system: 'urn:ietf:rfc:3986',
            code: `urn:oid:${image.dicom?.sopClassUid ?? OP_8BIT_SOP_CLASS}`,
          },
          title: image.fileName,
        })),
      }));
    const studyUid =
      visit.images.find((i) => i.dicom)?.dicom?.studyInstanceUid ?? dicomUidFrom(`${this.key}:study`);
    return this.b.add(`${this.key}:study`, (): ImagingStudy => ({
      resourceType: 'ImagingStudy',
      identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${studyUid}` }],
      status: 'available',
      subject,
      encounter,
      started: visit.date,
      numberOfSeries: series.length,
      numberOfInstances: visit.images.length,
      series,
    }));
  }

  /**
   * Maculopathy per eye, its own Observation: the clinician's M0/M1 (final), else the model's assessment
   * (preliminary, its probability as a component), else why it was not assessed — never absent, which reads as none.
   */
  private maculopathy(eye: Eye, subject: Ref, encounter: Ref): Ref {
    const { visit } = this.item;
    const outcome = visit.outcome.eyes[eye];
    const gradable = visit.images.filter((i) => i.eye === eye && i.result?.quality.gradable);
    const image = decidingPhotograph(
      gradable.length ? gradable : visit.images.filter((i) => i.eye === eye),
      outcome.grade,
    );
    const m = image?.result?.quality.gradable ? image.result.maculopathy : undefined;
    const clinician = image?.review?.clinicianMaculopathy ?? null;
    const absent = (text: string): Partial<Observation> => ({
      dataAbsentReason: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-performed' },
        ],
        text,
      },
    });
    const value: Partial<Observation> =
      clinician !== null
        ? { valueBoolean: clinician }
        : m?.status === 'assessed'
          ? {
              valueCodeableConcept: {
                text: m.flagged
                  ? 'Maculopathy flagged by the screening model'
                  : 'No maculopathy flagged by the model',
              },
              component: [
                {
                  code: { text: 'Maculopathy probability (screening model)' },
                  valueQuantity: { value: Number((m.probability * 100).toFixed(1)), unit: '%' },
                },
                {
                  code: { text: 'Maculopathy operating point' },
                  valueQuantity: { value: Number((m.threshold * 100).toFixed(1)), unit: '%' },
                },
              ],
            }
          : absent(m ? maculopathyResultText(m) : MACULOPATHY_NOT_ASSESSED);
    return this.b.add(`${this.key}:maculopathy:${eye}`, (): Observation => ({
      resourceType: 'Observation',
      status: clinician !== null ? 'final' : m?.status === 'assessed' ? 'preliminary' : 'final',
      code: { text: 'Diabetic maculopathy (from the fundus photograph)' },
      subject,
      encounter,
      effectiveDateTime: this.item.visit.date,
      bodySite: { coding: [EYE_STRUCTURE[eye]], text: `${EYE_NAMES[eye]} eye` },
      method: {
        text:
          clinician !== null
            ? "Clinician's reading (M0/M1)"
            : m?.status === 'assessed'
              ? 'Screening model, not yet confirmed by a clinician'
              : 'Not assessed',
      },
      ...value,
      ...(m?.status === 'assessed' || clinician !== null ? { note: [{ text: MACULOPATHY_SUSPICION }] } : {}),
    }));
  }

  /** One Observation per photographed eye: the deciding grade, the model's referable probability beside it. */
  private observation(eye: Eye, subject: Ref, encounter: Ref, study: Ref | null): Ref | null {
    const { visit } = this.item;
    const outcome = visit.outcome.eyes[eye];
    const images = visit.images.filter((i) => i.eye === eye && i.result);
    if (images.length === 0) return null;
    const image = decidingPhotograph(images, outcome.grade)!;
    const result = image.result!;
    const device = this.b.add(`model:${result.model.name}@${result.model.version}`, (): Device => ({
      resourceType: 'Device',
      deviceName: [{ name: result.model.name, type: 'model-name' }],
      version: [{ value: result.model.version }],
      type: { text: 'Diabetic retinopathy screening model (EyeNet)' },
      note: [
        {
          text: result.model.validated
            ? 'Validated on held-out camera photographs.'
            : 'Not validated for clinical use.',
        },
      ],
    }));
    const reviewer = image.review
      ? this.b.add(`practitioner:${image.review.reviewer}`, (): Practitioner => ({
          resourceType: 'Practitioner',
          name: [{ text: image.review!.reviewer }],
        }))
      : null;
    const value: Partial<Observation> =
      outcome.grade !== null
        ? { valueCodeableConcept: gradeConcept(outcome.grade) }
        : {
            dataAbsentReason: {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' },
              ],
              text: `${CATEGORY_LABELS[outcome.category]}: ${qualityReasonTexts(result.quality).join('; ') || 'ungradable'}`,
            },
          };
    const probability = result.referableProbability;
    return this.b.add(`${this.key}:observation:${eye}`, (): Observation => ({
      resourceType: 'Observation',
      status: outcome.reviewed ? 'final' : 'preliminary',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/observation-category',
              code: 'exam',
              display: 'Exam',
            },
          ],
        },
      ],
      code: {
        coding: [{ system: SNOMED, code: '4855003', display: 'Retinopathy due to diabetes mellitus' }],
        text: 'Diabetic retinopathy severity (ICDR)',
      },
      subject,
      encounter,
      effectiveDateTime: visit.date,
      performer: reviewer ? [reviewer] : undefined,
      device,
      bodySite: { coding: [EYE_STRUCTURE[eye]], text: `${EYE_NAMES[eye]} eye` },
      method: {
        text: image.review
          ? `Clinician's grade (${image.review.action === 'accept' ? 'accepted the model grade' : 'overrode the model grade'})`
          : 'Screening model grade, not yet confirmed by a clinician',
      },
      ...(study ? { derivedFrom: [study] } : {}),
      ...value,
      // The model's flag is said as a flag beside the grade it found, never as a grade.
      ...(outcome.flag
        ? {
            interpretation: [
              {
                text:
                  `Referable DR flagged by the screening model: probability ${(outcome.flag.probability * 100).toFixed(1)}% ` +
                  `at or above the operating point ${(outcome.flag.threshold * 100).toFixed(1)}%; awaiting clinician review`,
              },
            ],
          }
        : {}),
      component:
        probability === null
          ? undefined
          : [
              {
                code: {
                  text: 'Probability of referable diabetic retinopathy (ICDR grade 2 or worse), screening model',
                },
                valueQuantity: {
                  value: Math.round(probability * 10000) / 100,
                  unit: '%',
                  system: 'http://unitsofmeasure.org',
                  code: '%',
                },
              },
            ],
      note: [
        {
          text: `Photograph ${image.fileName}; ${result.model.name} ${result.model.version} on ${result.backend}.`,
        },
      ],
    }));
  }
}

/** A FHIR R4 collection Bundle of visits: Patient, Encounter, ImagingStudy, an Observation per eye, a DiagnosticReport. */
export function fhirBundle(
  clinic: StoredClinic,
  visits: readonly FhirVisit[],
  now: Date = new Date(),
): Bundle {
  const b = new BundleBuilder();
  const organisation = b.add('clinic', () => clinicResource(clinic));
  for (const item of visits) new VisitResources(b, organisation, item).add();
  return b.bundle(now);
}
