import type {
  DicomPlanItem,
  DicomSummary,
  Eye,
  GradeResult,
  ImportPlanItem,
  NewPatient,
  Patient,
  PatientRef,
} from '$contract/index.ts';
import { hasDicomMarker } from '$domain/dicom-marker.ts';
import { call, messageOf } from '../lib/api.ts';
import { readPhotograph } from '../lib/read-photograph.ts';
import { todayIso } from '../lib/format.ts';
import { GRADE_NAMES } from '$domain/grades.ts';
import { qualityReasonTexts } from '$domain/quality.ts';
import { isReferable } from '$domain/referable.ts';
import type { StateDeps } from './deps.ts';

export type RowStatus = 'ready' | 'importing' | 'imported' | 'duplicate' | 'skipped' | 'failed' | 'cancelled';

export interface BatchRow {
  fileName: string;
  patient: PatientRef | null;
  eye: Eye | null;
  status: RowStatus;
  /** Why it was skipped or failed, or a warning on an imported file. */
  message: string | null;
  /** Once imported: the quality verdict and the model's grade, in words. */
  quality: string | null;
  grade: string | null;
  /** A DICOM file: what its header says (patient, study date, camera, frames). */
  dicom: DicomSummary | null;
  /** The patient a DICOM file's header names, registered by the import (no one has its Patient ID yet). */
  registers: NewPatient | null;
  /** A DICOM file goes into the visit of its study date, not the page's date. */
  visitDate: string | null;
}

/** A DICOM header is a few kilobytes: the plan reads only the start of each file. */
const DICOM_HEAD_BYTES = 256 * 1024;

async function isDicomFile(file: File): Promise<boolean> {
  return hasDicomMarker(new Uint8Array(await file.slice(0, 132).arrayBuffer()));
}

/**
 * Files sent to the main process at once: two, so the next photograph is uploaded and decoded while one is
 * being graded, without flooding the main process (which grades with as many workers as it has).
 */
const IN_FLIGHT = 2;

/**
 * A day's camera export: plan which patient and eye each file belongs to, then import the matched files
 * two at a time with progress. One bad file is recorded and the batch goes on; cancel stops before the next file.
 */
export class BatchImportState {
  mode = $state<'pattern' | 'patient'>('pattern');
  patientId = $state<number | null>(null);
  date = $state(todayIso());
  /** A visit date before today files the photographs into a past visit: asked, not assumed. */
  pastDateConfirmed = $state(false);
  readonly isPastDate = $derived(this.date !== '' && this.date < todayIso());
  operator = $state('');
  camera = $state('');
  rows = $state<BatchRow[]>([]);
  phase = $state<'choose' | 'planned' | 'running' | 'done'>('choose');
  cancelling = $state(false);
  error = $state<string | null>(null);
  /** The site's file-name pattern and every patient, for the page's header and the one-patient choice. */
  pattern = $state<string | null>(null);
  allPatients = $state.raw<Patient[]>([]);
  loadError = $state<string | null>(null);
  /** Kept outside $state: File objects need no reactivity, and the rows index into this list. */
  private files: File[] = [];

  constructor(private readonly deps: StateDeps) {}

  async load(): Promise<void> {
    try {
      [this.pattern, this.allPatients] = await Promise.all([
        call('settings:get', {}).then((s) => s.importPattern),
        call('patients:list', {}),
      ]);
      this.loadError = null;
    } catch (e) {
      this.loadError = messageOf(e);
    }
  }

  readonly total = $derived(this.rows.length);
  readonly ready = $derived(this.rows.filter((r) => r.status === 'ready').length);
  readonly counts = $derived({
    imported: this.rows.filter((r) => r.status === 'imported').length,
    duplicate: this.rows.filter((r) => r.status === 'duplicate').length,
    skipped: this.rows.filter((r) => r.status === 'skipped').length,
    failed: this.rows.filter((r) => r.status === 'failed').length,
    cancelled: this.rows.filter((r) => r.status === 'cancelled').length,
  });
  /** Files that were to be imported and are finished, for the progress bar. */
  readonly toImport = $derived(this.rows.filter((r) => r.status !== 'skipped').length);
  readonly finished = $derived(
    this.rows.filter((r) => ['imported', 'duplicate', 'failed', 'cancelled'].includes(r.status)).length,
  );
  /** The patients this batch imports into, each once. */
  readonly patients = $derived(
    this.rows
      .filter((r) => r.status !== 'skipped')
      .flatMap((r) => (r.patient ? [r.patient] : []))
      .filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i),
  );

  async choose(files: readonly File[]): Promise<void> {
    // By name, so a patient's two eyes sit together in the table whatever order the picker gave.
    this.files = [...files].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    await this.plan();
  }

  async plan(): Promise<void> {
    this.error = null;
    if (this.files.length === 0) {
      this.rows = [];
      this.phase = 'choose';
      return;
    }
    if (this.mode === 'patient' && this.patientId === null) {
      this.error = 'Choose the patient these photographs belong to.';
      this.rows = [];
      return;
    }
    try {
      const target =
        this.mode === 'patient' && this.patientId !== null
          ? ({ kind: 'patient', patientId: this.patientId } as const)
          : ({ kind: 'pattern' } as const);
      // DICOM files are placed by their header (whatever their name), the rest by name.
      const dicom = await Promise.all(this.files.map(isDicomFile));
      const named = this.files.filter((_, i) => !dicom[i]);
      const headed = this.files.filter((_, i) => dicom[i]);
      const [byName, byHeader] = await Promise.all([
        named.length ? call('imports:plan', { fileNames: named.map((f) => f.name), target }) : [],
        headed.length
          ? call('imports:dicomPlan', {
              files: await Promise.all(
                headed.map(async (f) => ({
                  fileName: f.name,
                  head: new Uint8Array(await f.slice(0, DICOM_HEAD_BYTES).arrayBuffer()),
                })),
              ),
            })
          : [],
      ]);
      let n = 0;
      let d = 0;
      this.rows = this.files.map((_, i) => (dicom[i] ? dicomRow(byHeader[d++]!) : toRow(byName[n++]!)));
      this.phase = 'planned';
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async run(): Promise<void> {
    if (this.phase !== 'planned' || this.ready === 0) return;
    if (this.isPastDate && !this.pastDateConfirmed) {
      this.error = `The visit date is ${this.date}, before today: confirm it to file these photographs in that past visit, or set today's date.`;
      return;
    }
    this.error = null;
    this.phase = 'running';
    this.cancelling = false;
    let next = 0;
    const work = async () => {
      for (;;) {
        const index = this.nextReady(next);
        if (index === -1) return;
        next = index + 1;
        if (this.cancelling) {
          this.rows[index]!.status = 'cancelled';
          this.rows[index]!.message = 'Cancelled before import.';
          continue;
        }
        await this.importOne(index);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, work));
    this.phase = 'done';
    this.deps.onResultsChanged();
  }

  cancel(): void {
    if (this.phase === 'running') this.cancelling = true;
  }

  reset(): void {
    this.files = [];
    this.rows = [];
    // Each batch starts at today: the last batch's (perhaps past) date never carries over to the next.
    this.date = todayIso();
    this.pastDateConfirmed = false;
    this.phase = 'choose';
    this.error = null;
    this.cancelling = false;
  }

  private nextReady(from: number): number {
    for (let i = from; i < this.rows.length; i++) if (this.rows[i]!.status === 'ready') return i;
    return -1;
  }

  /**
   * Imports one file into its patient's visit of the chosen date. The visit is opened by the same call, in the
   * same transaction as the photograph, so a file that fails never leaves an empty visit behind.
   */
  private async importOne(index: number): Promise<void> {
    const row = this.rows[index]!;
    const file = this.files[index]!;
    if (row.dicom) return this.importDicom(row, file);
    if (!row.patient || !row.eye) {
      row.status = 'failed';
      row.message = 'No patient or eye to import into.';
      return;
    }
    row.status = 'importing';
    try {
      const bytes = await readPhotograph(file);
      const visit = {
        patientId: row.patient.id,
        date: this.date,
        operator: this.operator.trim(),
        camera: this.camera.trim(),
      };
      const out = await call('images:import', { visit, eye: row.eye, fileName: file.name, bytes });
      row.status = out.duplicate ? 'duplicate' : 'imported';
      row.message = out.duplicate ? 'Already imported for this eye and visit.' : out.eyeWarning;
      showResult(row, out.image.result);
    } catch (error) {
      row.status = 'failed';
      row.message = messageOf(error);
    }
  }

  /** A DICOM file: into its header's patient (registered when the plan said so) and study date, every frame. */
  private async importDicom(row: BatchRow, file: File): Promise<void> {
    row.status = 'importing';
    try {
      const out = await call('imports:dicom', {
        fileName: file.name,
        bytes: await readPhotograph(file),
        registerPatient: row.registers !== null,
        operator: this.operator.trim(),
      });
      row.patient = out.patient;
      const fresh = out.images.filter((i) => !i.duplicate);
      row.status = fresh.length ? 'imported' : 'duplicate';
      row.message =
        [
          out.registered
            ? `Registered ${out.patient.name} (${out.patient.clinicId}) from the DICOM header.`
            : '',
          out.images.length > 1 ? `${out.images.length} frames.` : '',
          fresh.length ? '' : 'Already imported (the same DICOM instance).',
        ]
          .filter(Boolean)
          .join(' ') || null;
      showResult(row, out.images[0]?.image.result ?? null);
    } catch (error) {
      row.status = 'failed';
      row.message = messageOf(error);
    }
  }
}

function showResult(row: BatchRow, result: GradeResult | null): void {
  if (!result) return;
  row.quality = result.quality.gradable
    ? 'Gradable'
    : `Ungradable: ${qualityReasonTexts(result.quality).join(', ')}`;
  row.grade =
    result.grade === null
      ? '—'
      : `${result.grade} ${GRADE_NAMES[result.grade]}${isReferable(result) ? ' · referable' : ''}`;
}

function dicomRow(item: DicomPlanItem): BatchRow {
  return {
    fileName: item.fileName,
    patient: item.patient,
    eye: item.eye,
    status: item.problem ? 'skipped' : 'ready',
    message:
      item.problem ??
      (item.newPatient
        ? `New patient: ${item.newPatient.name} (${item.newPatient.clinicId}) will be registered from the DICOM header.`
        : null),
    quality: null,
    grade: null,
    dicom: item.dicom,
    registers: item.newPatient,
    visitDate: item.visitDate,
  };
}

function toRow(item: ImportPlanItem): BatchRow {
  return {
    fileName: item.fileName,
    patient: item.patient,
    eye: item.eye,
    status: item.problem ? 'skipped' : 'ready',
    message: item.problem,
    quality: null,
    grade: null,
    dicom: null,
    registers: null,
    visitDate: null,
  };
}
