import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiInput, Channel, ImportPlanItem } from '$contract/index.ts';

// The state class talks to the main process only through `call`; a fake stands in for it here.
const calls: { channel: Channel; input: unknown }[] = [];
let importImpl: (input: ApiInput<'images:import'>) => Promise<unknown>;
vi.mock('../lib/api.ts', () => ({
  messageOf: (e: unknown) => (e instanceof Error ? e.message : String(e)),
  call: vi.fn(async (channel: Channel, input: unknown) => {
    calls.push({ channel, input });
    if (channel === 'imports:plan')
      return (input as { fileNames: string[] }).fileNames.map((name) =>
        plan.find((p) => p.fileName === name),
      );
    if (channel === 'images:import') return importImpl(input as ApiInput<'images:import'>);
    if (channel === 'reviews:queue') return [];
    if (channel === 'imports:dicomPlan')
      return (input as { files: { fileName: string }[] }).files.map(({ fileName }) => ({
        fileName,
        dicom: {
          patientName: 'Jane Doe',
          patientId: 'D-100',
          birthDate: null,
          sex: null,
          studyDate: '2026-11-30',
          eye: 'OS',
          camera: 'Topcon',
          frames: 2,
          transferSyntax: 'JPEG Baseline',
        },
        patient: null,
        newPatient: { clinicId: 'D-100', name: 'Jane Doe' },
        eye: 'OS',
        visitDate: '2026-11-30',
        problem: null,
      }));
    if (channel === 'imports:dicom')
      return {
        patient: { id: 9, clinicId: 'D-100', name: 'Jane Doe' },
        registered: true,
        visitId: 5,
        images: [0, 1].map(() => ({ duplicate: false, eyeWarning: null, image: { id: 1, result: null } })),
      };
    throw new Error(`unexpected ${channel}`);
  }),
}));

const { BatchImportState } = await import('./batch-import.svelte.ts');

const ann = { id: 1, clinicId: '10', name: 'Ann' };
const ben = { id: 2, clinicId: '13', name: 'Ben' };
let plan: ImportPlanItem[];

function file(name: string): File {
  return new File([new Uint8Array([1, 2, 3])], name, { type: 'image/jpeg' });
}

/** A file with DICOM's marker after the 128-byte preamble, whatever its name. */
function dicom(name: string): File {
  const bytes = new Uint8Array(200);
  bytes.set([0x44, 0x49, 0x43, 0x4d], 128);
  return new File([bytes], name);
}

beforeEach(() => {
  calls.length = 0;
  plan = [
    { fileName: '10_left.jpeg', patient: ann, eye: 'OS', problem: null },
    { fileName: 'broken_left.jpeg', patient: ann, eye: 'OS', problem: null },
    { fileName: '13_right.jpeg', patient: ben, eye: 'OD', problem: null },
    { fileName: '15_left.jpeg', patient: null, eye: 'OS', problem: 'No patient with clinic ID “15”.' },
  ];
  importImpl = async (input) => {
    if (input.fileName.startsWith('broken')) throw new Error('Not a readable image.');
    return {
      duplicate: false,
      eyeWarning: null,
      image: {
        id: 1,
        result: {
          grade: 1,
          quality: { gradable: true, reasons: [] },
          referableProbability: 0.9,
          referableThreshold: 0.5,
        },
      },
    };
  };
});

describe('batch import', () => {
  it('imports every matched file, records a bad one and goes on, and sums up', async () => {
    const batch = new BatchImportState({ onResultsChanged: () => {} });
    batch.operator = 'Sam';
    await batch.choose(plan.map((p) => file(p.fileName)));
    expect(batch.phase).toBe('planned');
    expect(batch.ready).toBe(3);
    await batch.run();
    expect(batch.phase).toBe('done');
    expect(batch.counts).toEqual({ imported: 2, duplicate: 0, skipped: 1, failed: 1, cancelled: 0 });
    const row = (name: string) => batch.rows.find((r) => r.fileName === name);
    // Listed by name, whatever order the picker gave.
    expect(batch.rows.map((r) => r.fileName)).toEqual([
      '10_left.jpeg',
      '13_right.jpeg',
      '15_left.jpeg',
      'broken_left.jpeg',
    ]);
    expect(row('broken_left.jpeg')).toMatchObject({ status: 'failed', message: 'Not a readable image.' });
    expect(row('15_left.jpeg')).toMatchObject({ status: 'skipped', message: expect.stringMatching(/15/) });
    // No visit is opened ahead: each photograph names its patient's visit of the day (with the operator) and
    // the main process opens it with the photograph, so the broken file leaves no empty visit.
    expect(calls.some((c) => c.channel === 'visits:create')).toBe(false);
    const imports = calls
      .filter((c) => c.channel === 'images:import')
      .map((c) => c.input as { visit: { patientId: number; operator: string } });
    expect(imports.map((i) => i.visit.patientId).sort()).toEqual([1, 1, 2]);
    expect(imports.every((i) => i.visit.operator === 'Sam')).toBe(true);
    // The summary shows each file's quality verdict and grade.
    expect(row('10_left.jpeg')).toMatchObject({ quality: 'Gradable', grade: '1 Mild NPDR · referable' });
    expect(batch.finished).toBe(batch.toImport);
  });

  it('asks before filing a batch in a past visit, and starts every new batch at today', async () => {
    const batch = new BatchImportState({ onResultsChanged: () => {} });
    const today = batch.date;
    batch.date = '2025-11-20';
    await batch.choose(plan.map((p) => file(p.fileName)));
    await batch.run();
    expect(batch.phase).toBe('planned');
    expect(batch.error).toMatch(/2025-11-20, before today: confirm it/);
    expect(calls.some((c) => c.channel === 'images:import')).toBe(false);
    batch.pastDateConfirmed = true;
    await batch.run();
    expect(batch.phase).toBe('done');
    // "Import more": the next batch is today's, and a past date must be confirmed again.
    batch.reset();
    expect(batch.date).toBe(today);
    expect(batch.pastDateConfirmed).toBe(false);
  });

  it('stops before the next file when cancelled, keeping what was imported', async () => {
    const batch = new BatchImportState({ onResultsChanged: () => {} });
    let release: () => void = () => undefined;
    const done = { duplicate: false, eyeWarning: null, image: { id: 1 } };
    importImpl = (input) =>
      new Promise((resolve) => {
        // The first file is held until the test releases it; the user cancels while it is grading.
        if (input.fileName === '10_left.jpeg') {
          release = () => resolve(done);
          batch.cancel();
        } else resolve(done);
      });
    plan = plan.slice(0, 3).map((p) => ({ ...p, fileName: p.fileName.replace('broken', 'ok') }));
    await batch.choose(plan.map((p) => file(p.fileName)));
    const running = batch.run();
    await vi.waitFor(() => expect(batch.cancelling).toBe(true));
    release();
    await running;
    // Two run at once: the first file and the one already in flight finish; the third never starts.
    expect(batch.counts.imported).toBe(2);
    expect(batch.counts.cancelled).toBe(1);
    expect(batch.rows.map((r) => r.status)).toEqual(['imported', 'imported', 'cancelled']);
  });

  it('asks for a patient before planning an all-to-one-patient import', async () => {
    const batch = new BatchImportState({ onResultsChanged: () => {} });
    batch.mode = 'patient';
    await batch.choose([file('a_left.jpeg')]);
    expect(batch.error).toMatch(/Choose the patient/);
    expect(calls.some((c) => c.channel === 'imports:plan')).toBe(false);
  });

  it('sends DICOM files (known by their marker, not their name) to the header plan and the DICOM import', async () => {
    const batch = new BatchImportState({ onResultsChanged: () => {} });
    await batch.choose([file('10_left.jpeg'), dicom('IMG0001')]);
    expect(calls.find((c) => c.channel === 'imports:plan')?.input).toMatchObject({
      fileNames: ['10_left.jpeg'],
    });
    const head = calls.find((c) => c.channel === 'imports:dicomPlan')!.input as {
      files: { fileName: string; head: Uint8Array }[];
    };
    expect(head.files.map((f) => [f.fileName, f.head.byteLength])).toEqual([['IMG0001', 200]]);
    expect(batch.rows[1]).toMatchObject({
      registers: { clinicId: 'D-100' },
      visitDate: '2026-11-30',
      status: 'ready',
    });
    expect(batch.rows[1]!.message).toMatch(/will be registered from the DICOM header/);
    await batch.run();
    expect(calls.find((c) => c.channel === 'imports:dicom')?.input).toMatchObject({
      fileName: 'IMG0001',
      registerPatient: true,
    });
    expect(batch.rows[1]).toMatchObject({ status: 'imported', patient: { clinicId: 'D-100' } });
    expect(batch.rows[1]!.message).toBe('Registered Jane Doe (D-100) from the DICOM header. 2 frames.');
  });
});
