import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomImportOutput, DicomPlanItem, ExportFile } from '../../contract/index.ts';
import { dicomFile, jpegLosslessOf, TRANSFER_SYNTAX } from '../../model/testing/dicom-files.ts';
import { original } from '../../model/testing/test-images.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { createPatient } from '../db/patients-repo.ts';
import { pdfText, staffDispatch, tempDir, testContext, value } from '../test-helpers.ts';

// DICOM files as fundus cameras write them, made from real photographs, imported with real grading; the report
// of the visit then shows their pictures.
const tmp = tempDir();
let ctx: ReturnType<typeof testContext>;
let dispatch: Dispatch;
const WIDTH = 640;

beforeAll(async () => {
  ctx = testContext(tmp.dir);
  dispatch = staffDispatch(ctx);
  await ctx.grading.ready;
});
afterAll(async () => {
  await ctx.close();
  tmp.remove();
});

const plan = (files: { fileName: string; bytes: Uint8Array }[]) =>
  value<DicomPlanItem[]>(
    dispatch('imports:dicomPlan', {
      files: files.map((f) => ({ fileName: f.fileName, head: f.bytes.subarray(0, 256 * 1024) })),
    }),
  );

describe('DICOM import', () => {
  it('plans from the header: a known patient by ID, a new one to register, and why a file cannot go', async () => {
    createPatient(ctx.db, { clinicId: 'K-1', name: 'Known Patient' });
    const known = await dicomFile(original('10_left.jpeg'), 320, { tags: { PatientID: 'K-1' } });
    const unknown = await dicomFile(original('10_right.jpeg'), 320, { tags: { ImageLaterality: 'R' } });
    const noEye = await dicomFile(original('10_right.jpeg'), 320, {
      tags: { PatientID: 'K-1', ImageLaterality: undefined },
    });
    const items = await plan([
      { fileName: 'a.dcm', bytes: known },
      { fileName: 'b.dcm', bytes: unknown },
      { fileName: 'c.dcm', bytes: noEye },
      { fileName: 'd.dcm', bytes: new Uint8Array(300) },
    ]);
    expect(items[0]).toMatchObject({
      patient: { clinicId: 'K-1' },
      newPatient: null,
      eye: 'OS',
      visitDate: '2026-11-30',
      problem: null,
    });
    expect(items[0]!.dicom).toMatchObject({
      camera: 'Topcon TRC-NW8',
      frames: 1,
      transferSyntax: 'Explicit VR Little Endian',
    });
    expect(items[1]).toMatchObject({
      patient: null,
      newPatient: { clinicId: 'D-100', name: 'Jane Doe', dateOfBirth: '1960-01-02', sex: 'female' },
      eye: 'OD',
      problem: null,
    });
    expect(items[2]!.problem).toMatch(/does not say which eye/);
    expect(items[3]!.problem).toMatch(/no "DICM" marker/);
  });

  it('imports OP (JPEG lossless) and SC (JPEG baseline) files into the header’s patient, study date and eye, once', async () => {
    const lossless = jpegLosslessOf(
      await dicomFile(original('13_left.jpeg'), WIDTH, {
        tags: { PatientID: 'N-2', PatientName: 'Roe^Ann' },
      }),
    );
    const refused = await dispatch('imports:dicom', { fileName: 'n2-left.dcm', bytes: lossless });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/N-2/) },
    });

    const out = await value<DicomImportOutput>(
      dispatch('imports:dicom', {
        fileName: 'n2-left.dcm',
        bytes: lossless,
        registerPatient: true,
        operator: 'Ann',
      }),
    );
    expect(out).toMatchObject({ patient: { clinicId: 'N-2', name: 'Ann Roe' }, registered: true });
    const [image] = out.images;
    expect(image!.duplicate).toBe(false);
    expect(image!.image).toMatchObject({
      eye: 'OS',
      fileName: 'n2-left.dcm',
      width: WIDTH,
      dicom: { frame: 0 },
    });
    expect(image!.image.result?.model.name).toBeTruthy();
    const visit = ctx.db.prepare('SELECT date, camera, operator FROM visits WHERE id = ?').get(out.visitId);
    expect(visit).toEqual({ date: '2026-11-30', camera: 'Topcon TRC-NW8', operator: 'Ann' });

    // The same file again, and the same instance re-encoded: recognised by its SOP Instance UID.
    const again = await value<DicomImportOutput>(
      dispatch('imports:dicom', { fileName: 'again.dcm', bytes: lossless }),
    );
    expect(again.images[0]).toMatchObject({ duplicate: true, image: { id: image!.image.id } });

    // Another camera's file into the same visit (the visit names the first camera): the photograph keeps its own.
    const sc = await dicomFile(original('13_right.jpeg'), WIDTH, {
      sopClass: 'SC',
      transferSyntax: TRANSFER_SYNTAX.jpegBaseline,
      tags: {
        PatientID: 'N-2',
        ImageLaterality: undefined,
        Laterality: 'R',
        Manufacturer: 'Canon',
        ManufacturerModelName: 'CR-2 AF',
      },
    });
    const right = await value<DicomImportOutput>(
      dispatch('imports:dicom', { fileName: 'n2-right.dcm', bytes: sc }),
    );
    expect(right).toMatchObject({
      registered: false,
      visitId: out.visitId,
      images: [{ image: { eye: 'OD', dicom: { camera: 'Canon CR-2 AF' } } }],
    });
    expect(image!.image.dicom).toMatchObject({ camera: 'Topcon TRC-NW8' });

    // The visit's report shows both DICOM photographs.
    const pdf = await value<ExportFile>(dispatch('reports:pdf', { visitId: out.visitId, kind: 'report' }));
    const text = pdfText(pdf.bytes);
    expect(text).toContain('n2-left.dcm');
    expect(text).toContain('n2-right.dcm');
    expect(text).toContain('Topcon TRC-NW8');
    expect(text.replace(/\s+/g, ' ')).toContain('Camera (from the DICOM header): Canon CR-2 AF');
  });

  it('imports each frame of a multi-frame file, and asks before a header that disagrees with the chosen eye or patient', async () => {
    const patient = createPatient(ctx.db, { clinicId: 'M-3', name: 'Multi Frame' });
    const visit = await value<{ id: number }>(
      dispatch('visits:create', { patientId: patient.id, date: '2026-11-29' }),
    );
    const multi = await dicomFile(original('15_left.jpeg'), 320, { frames: 2, tags: { PatientID: 'M-3' } });
    const asked = await dispatch('imports:dicom', {
      fileName: 'm.dcm',
      bytes: multi,
      visitId: visit.id,
      eye: 'OD',
    });
    expect(asked).toMatchObject({
      ok: false,
      error: { code: 'NEEDS_CONFIRMATION', message: expect.stringMatching(/header says left eye/) },
    });
    const out = await value<DicomImportOutput>(
      dispatch('imports:dicom', { fileName: 'm.dcm', bytes: multi, visitId: visit.id }),
    );
    expect(out.images.map((i) => [i.image.fileName, i.image.dicom?.frame])).toEqual([
      ['m.dcm (frame 1 of 2)', 0],
      ['m.dcm (frame 2 of 2)', 1],
    ]);
    const someoneElse = await dicomFile(original('15_left.jpeg'), 320, { tags: { PatientID: 'K-1' } });
    expect(
      await dispatch('imports:dicom', { fileName: 'x.dcm', bytes: someoneElse, visitId: visit.id }),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/names Jane Doe \(Patient ID K-1\), not Multi Frame/) },
    });
    // A DICOM file sent as a plain photograph is pointed to the DICOM import.
    expect(
      await dispatch('images:import', { visitId: visit.id, eye: 'OS', fileName: 'x.dcm', bytes: multi }),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/is a DICOM file/) },
    });
  });

  it('refuses a transfer syntax it cannot decode, naming it, and stores nothing', async () => {
    const before = ctx.db.prepare('SELECT COUNT(*) AS n FROM images').get();
    const j2k = await dicomFile(original('10_left.jpeg'), 320, {
      transferSyntax: TRANSFER_SYNTAX.jpeg2000,
      tags: { PatientID: 'K-1' },
    });
    expect(await dispatch('imports:dicom', { fileName: 'j2k.dcm', bytes: j2k })).toMatchObject({
      ok: false,
      error: {
        code: 'IMAGE_UNREADABLE',
        message: expect.stringMatching(/JPEG 2000 \(1\.2\.840\.10008\.1\.2\.4\.91\)/),
      },
    });
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM images').get()).toEqual(before);
  });
});
