import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExportFile } from '../../contract/index.ts';
import { activeModelDir } from '../../model/index.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { createPatient } from '../db/patients-repo.ts';
import { insertReview } from '../db/reviews-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import { DEFAULT_REFERRAL_POLICY } from '../services/referral.ts';
import type { AppContext } from '../services/app-context.ts';
import {
  TEST_STAFF,
  insertGradedImage,
  memoryContext,
  pdfText,
  staffDispatch,
  value,
} from '../test-helpers.ts';
import { csvField, neutraliseFormula } from './visits-csv.ts';

let ctx: AppContext;
let dispatch: Dispatch;
beforeEach(() => {
  ctx = memoryContext();
  dispatch = staffDispatch(ctx);
});
afterEach(() => ctx.db.close());

// The active model's own metadata: its figures are the ones a report must quote.
const ACTIVE = JSON.parse(readFileSync(path.join(activeModelDir(), 'metadata.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** A patient with a non-Latin name, a visit with a referable right eye and an ungradable left eye. */
function seedVisit(name = 'Łukasz Σοφία Дарья') {
  const patient = createPatient(ctx.db, { clinicId: 'C-7', name, dateOfBirth: '1961-03-04' });
  const visit = createVisit(ctx.db, {
    patientId: patient.id,
    date: '2026-11-30',
    operator: 'Ann',
    camera: 'Topcon',
  });
  const model = {
    name: ACTIVE.name,
    version: ACTIVE.version,
    validated: false,
    preprocessing: 'retina-lan-v1',
  };
  const od = insertGradedImage(ctx.db, visit.id, { grade: 2, eye: 'OD', fileName: 'C-7_right.jpeg', model });
  const os = insertGradedImage(ctx.db, visit.id, {
    grade: null,
    eye: 'OS',
    fileName: 'C-7_left.jpeg',
    model,
  });
  return { patient, visit, od, os };
}

function pages(pdf: Uint8Array): string[] {
  return pdfText(pdf)
    .split('\f')
    .filter((p) => p.trim().length > 0);
}

describe('the visit PDF', () => {
  it('names patient, visit, both eyes, the model and its held-out figures, with page numbers', async () => {
    const { visit } = seedVisit();
    const file = await value<ExportFile>(dispatch('reports:pdf', { visitId: visit.id, kind: 'report' }));
    expect(file.mimeType).toBe('application/pdf');
    expect(file.fileName).toBe('C-7_2026-11-30_screening-report.pdf');
    const text = pdfText(file.bytes);
    for (const expected of [
      'Łukasz Σοφία Дарья',
      'C-7',
      '1961-03-04',
      '2026-11-30',
      'Ann',
      'Topcon',
      'Right eye (OD): Moderate NPDR',
      'Left eye (OS): Ungradable',
      'Quality: ungradable',
      'Blurred',
      'Referable-DR probability: 80.0%',
      'Please see the eye specialist by 2027-02-28',
      'Refer to an ophthalmologist within 3 months, due 2027-02-28',
      `${ACTIVE.name} ${ACTIVE.version}`,
      'NOT VALIDATED',
      'eyepacs-1024-dev',
      'screening aid',
    ])
      expect(text).toContain(expected);
    // The figures quoted are the ones the model's own evaluation wrote.
    expect(text).toMatch(/eyepacs-1024-dev: \d+ gradable of \d+; referable-DR AUC 0\.\d{3}/);
    const all = pages(file.bytes);
    all.forEach((page, i) => expect(page).toContain(`Page ${i + 1} of ${all.length}`));
  });

  it('marks every page provisional until every result is reviewed and a clinician signs the visit off, and not after', async () => {
    const { visit, od, os } = seedVisit('Ann Example');
    const provisional = await value<ExportFile>(
      dispatch('reports:pdf', { visitId: visit.id, kind: 'report' }),
    );
    for (const page of pages(provisional.bytes)) expect(page).toContain('PROVISIONAL');
    expect(pdfText(provisional.bytes)).toContain('not yet reviewed');
    insertReview(
      ctx.db,
      { resultId: od.resultId, grade: 2, seenReviewId: null, reviewer: 'Dr Lee' },
      DEFAULT_REFERRAL_POLICY,
    );
    insertReview(
      ctx.db,
      { resultId: os.resultId, grade: null, seenReviewId: null, reviewer: 'Dr Lee' },
      DEFAULT_REFERRAL_POLICY,
    );
    // Every result confirmed, nobody has signed it off: still provisional, saying why.
    const unsigned = pdfText(
      (await value<ExportFile>(dispatch('reports:pdf', { visitId: visit.id, kind: 'report' }))).bytes,
    ).replace(/\s+/g, ' ');
    expect(unsigned).toContain(
      'PROVISIONAL: every result is confirmed, but no clinician has signed this visit off yet.',
    );
    expect(unsigned).toContain('Not signed off by a clinician: provisional.');
    await value(dispatch('visits:signOff', { visitId: visit.id }));
    const final = await value<ExportFile>(dispatch('reports:pdf', { visitId: visit.id, kind: 'report' }));
    const text = pdfText(final.bytes);
    expect(text).not.toContain('PROVISIONAL');
    expect(text).toMatch(/Signed off by Dr Test \(clinician\) on \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
    expect(text).toContain("Clinician's grade: 2 (Moderate NPDR)");
    expect(text).toContain('Maculopathy: not assessed by this model');
    expect(text).toMatch(/Accepted by Dr Lee, \d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(text).toContain('Every result confirmed by a clinician');
  });

  it('writes a referral letter only for a clinician, once every photograph is reviewed, and signs it', async () => {
    const { patient, visit, od, os: left } = seedVisit('Ann Example');
    ctx.db
      .prepare("UPDATE patients SET diabetes_type = 'type2', notes = 'Insulin since 2019' WHERE id = ?")
      .run(patient.id);
    expect(await dispatch('reports:pdf', { visitId: visit.id, kind: 'referral' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/reviewed every photograph/) },
    });
    insertReview(
      ctx.db,
      { resultId: od.resultId, grade: 2, seenReviewId: null, reviewer: 'Dr Lee' },
      DEFAULT_REFERRAL_POLICY,
    );
    insertReview(
      ctx.db,
      { resultId: left.resultId, grade: null, seenReviewId: null, reviewer: 'Dr Lee' },
      DEFAULT_REFERRAL_POLICY,
    );
    // A technician may not send one, reviewed or not.
    expect(
      await staffDispatch(
        ctx,
        undefined,
        'technician',
      )('reports:pdf', { visitId: visit.id, kind: 'referral' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/signed by a clinician/) },
    });
    const signed = pdfText(
      (await value<ExportFile>(dispatch('reports:pdf', { visitId: visit.id, kind: 'referral' }))).bytes,
    ).replace(/\s+/g, ' ');
    expect(signed).toMatch(/Every photograph was reviewed by Dr Lee/);
    expect(signed).toMatch(/Diabetes: type 2\./);
    expect(signed).toMatch(/Notes: Insulin since 2019/);
    expect(signed).toMatch(new RegExp(`Yours sincerely, ${TEST_STAFF.clinician.displayName}, clinician`));
    expect(signed).not.toMatch(/Not photographed \(ICDR\)/);
    // The left eye confirmed ungradable: its re-imaging is not dropped behind the right eye's referral.
    expect(signed).toMatch(/Also: re-image the left eye now\./);

    const file = await value<ExportFile>(
      dispatch('reports:pdf', { visitId: visit.id, kind: 'referral', paperSize: 'Letter' }),
    );
    expect(file.fileName).toBe('C-7_2026-11-30_referral-letter.pdf');
    const text = pdfText(file.bytes);
    expect(text).toContain('Referral to ophthalmology');
    expect(text).toContain('Dear colleague');
    expect(text).toMatch(
      /I am referring Ann Example \(clinic ID C-7, born 1961-03-04\) routinely, to be seen by\s+2027-02-28/,
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-pdf-'));
    try {
      writeFileSync(path.join(dir, 'l.pdf'), file.bytes);
      expect(execFileSync('pdfinfo', [path.join(dir, 'l.pdf')], { encoding: 'utf8' })).toMatch(
        /612 x 792 pts/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the clinic from Settings, with its logo, and renders every page (pdftoppm)', async () => {
    const { visit } = seedVisit('Ann Example');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-pdf-'));
    try {
      ctx = { ...ctx, store: new (await import('../services/image-store.ts')).ImageStore(dir) };
      dispatch = staffDispatch(ctx);
      const sharp = (await import('sharp')).default;
      const logo = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#2060a0' } })
        .png()
        .toBuffer();
      await value(
        dispatch('settings:update', {
          clinic: {
            name: 'North Eye Clinic',
            address: '1 High Street\nTown',
            paperSize: 'A4',
            logo: new Uint8Array(logo),
          },
        }),
      );
      expect(await value(dispatch('settings:get', {}))).toMatchObject({
        clinic: { name: 'North Eye Clinic', hasLogo: true, paperSize: 'A4' },
      });
      const file = await value<ExportFile>(dispatch('reports:pdf', { visitId: visit.id, kind: 'report' }));
      const text = pdfText(file.bytes);
      expect(text).toContain('North Eye Clinic');
      expect(text).toContain('1 High Street');
      writeFileSync(path.join(dir, 'r.pdf'), file.bytes);
      execFileSync('pdftoppm', ['-png', '-r', '40', path.join(dir, 'r.pdf'), path.join(dir, 'page')]);
      expect(readdirSync(dir).filter((f) => f.startsWith('page-')).length).toBe(pages(file.bytes).length);
      expect(
        await dispatch('settings:update', {
          clinic: { name: 'x', address: '', paperSize: 'A4', logo: new Uint8Array([1, 2, 3]) },
        }),
      ).toMatchObject({ ok: false, error: { message: 'The logo must be a PNG or JPEG picture.' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a deleted or unknown visit, and opening without the desktop app', async () => {
    expect(await dispatch('reports:pdf', { visitId: 999, kind: 'report' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const { visit } = seedVisit('Ann Example');
    expect(await dispatch('reports:open', { visitId: visit.id, kind: 'report' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/desktop app/) },
    });
  });
});

describe('the CSV export', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1'])
      expect(neutraliseFormula(text)).toBe(`'${text}`);
    expect(neutraliseFormula('Ann')).toBe('Ann');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(-1)).toBe('-1');
    expect(csvField(null)).toBe('');
  });

  it('never names a grade nobody gave: a flagged grade-0 eye is written as a flag in the report, the letter, the CSV and FHIR', async () => {
    // The defect as found: model grade 0, referable probability 9.8%, flagged because ≥ 6.8%.
    const patient = createPatient(ctx.db, { clinicId: 'F-1', name: 'Flora Flag', dateOfBirth: '1970-01-01' });
    const visit = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-30' });
    for (const eye of ['OD', 'OS'] as const)
      insertGradedImage(ctx.db, visit.id, {
        grade: 0,
        eye,
        fileName: `F-1_${eye === 'OD' ? 'right' : 'left'}.jpeg`,
        referableProbability: eye === 'OD' ? 0.098 : 0.01,
        referableThreshold: 0.068,
      });
    const flag =
      /Referable DR flagged by the screening model \(probability 9\.8%, at or above the operating point 6\.8%; most likely grade No DR\), awaiting clinician review/;
    const report = pdfText(
      (await value<ExportFile>(dispatch('reports:pdf', { visitId: visit.id, kind: 'report' }))).bytes,
    ).replace(/\s+/g, ' ');
    const letter = await dispatch('reports:pdf', { visitId: visit.id, kind: 'referral' });
    const csv = Buffer.from(
      (await value<ExportFile>(dispatch('exports:csv', { from: '2026-11-30', to: '2026-11-30' }))).bytes,
    ).toString('utf8');
    // The letter is refused for this unreviewed visit (a clinician reviews first), so the flag never reaches one.
    expect(letter).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    for (const text of [report, csv]) {
      expect(text).not.toMatch(/Moderate NPDR/);
      expect(text).toMatch(flag);
    }
    const bundle = JSON.parse(
      Buffer.from((await value<ExportFile>(dispatch('exports:fhir', { visitId: visit.id }))).bytes).toString(
        'utf8',
      ),
    ) as { entry: { resource: Record<string, unknown> }[] };
    const observations = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Observation');
    expect(JSON.stringify(observations)).not.toContain('312904009'); // SNOMED moderate NPDR
    expect(JSON.stringify(observations)).toMatch(
      /Referable DR flagged by the screening model: probability 9\.8%/,
    );
    // The patient is told it may be disease, not that it is.
    expect(report).not.toMatch(/Your eye photographs show changes from diabetes/);
    expect(report).toMatch(/The screening flagged your eye photographs for an eye specialist/);
  });

  it('writes one row per eye for the visits of a range, UTF-8 with a header', async () => {
    const { visit } = seedVisit('=cmd|"/c calc"!A1');
    const other = createPatient(ctx.db, { clinicId: 'C-8', name: 'Zoë' });
    createVisit(ctx.db, { patientId: other.id, date: '2026-10-01' });
    const file = await value<ExportFile>(dispatch('exports:csv', { from: '2026-11-01', to: '2026-11-30' }));
    const text = Buffer.from(file.bytes).toString('utf8');
    expect(text.startsWith('\uFEFFclinic_id,patient_name,')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(
      `C-7,"'=cmd|""/c calc""!A1",1961-03-04,${visit.id},2026-11-30,OD,1,C-7_right.jpeg,gradable`,
    );
    expect(lines[1]).toContain('Refer to an ophthalmologist within 3 months,2027-02-28,no');
    expect(lines[2]).toContain(',OS,1,C-7_left.jpeg,ungradable,Blurred,');
    // Maculopathy is never a blank that reads as none.
    const header = lines[0]!.split(',');
    const cells = lines[1]!.split(',');
    expect(cells[header.indexOf('maculopathy')]).toBe('not assessed by this model');
    expect(await dispatch('exports:csv', { from: '2026-12-01', to: '2026-11-01' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});
