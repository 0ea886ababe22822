import type { Eye, NewPatient, NewVisit, PatientDetail } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';
import type { StateDeps } from './deps.ts';

export interface ImportStatus {
  busy: boolean;
  error: string | null;
  notice: string | null;
}

const idle = (): ImportStatus => ({ busy: false, error: null, notice: null });

export class PatientPageState {
  detail = $state<PatientDetail | null>(null);
  loading = $state(true);
  error = $state<string | null>(null);
  /** Per visit and eye (`<visitId>:<eye>`): is a photograph being graded, and how did the last one go. */
  imports = $state<Record<string, ImportStatus>>({});

  constructor(
    readonly patientId: number,
    private readonly deps: StateDeps,
  ) {}

  async load(): Promise<void> {
    try {
      this.detail = await call('patients:get', { id: this.patientId });
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  /** Throws so the form can show the message beside the fields. */
  async save(patient: NewPatient): Promise<void> {
    await call('patients:update', { ...patient, id: this.patientId });
    await this.load();
  }

  async startVisit(visit: Omit<NewVisit, 'patientId'>): Promise<void> {
    await call('visits:create', { ...visit, patientId: this.patientId });
    await this.load();
  }

  async updateVisit(id: number, operator: string, camera: string): Promise<void> {
    await call('visits:update', { id, operator, camera });
    await this.load();
  }

  importStatus(visitId: number, eye: Eye): ImportStatus {
    return this.imports[`${visitId}:${eye}`] ?? idle();
  }

  /**
   * Grades the photographs dropped on one eye one after another, so the eye shows "grading" until the last
   * is done and every file's notice or error stays visible.
   */
  async importFiles(visitId: number, eye: Eye, files: readonly File[]): Promise<void> {
    const key = `${visitId}:${eye}`;
    this.imports[key] = { busy: true, error: null, notice: null };
    const notices: string[] = [];
    const errors: string[] = [];
    for (const file of files) {
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const out = await call('images:import', { visitId, eye, fileName: file.name, bytes });
        if (out.duplicate) notices.push(`${file.name}: already imported for this eye.`);
        if (out.eyeWarning) notices.push(out.eyeWarning);
        await this.load();
      } catch (error) {
        errors.push(`${file.name}: ${messageOf(error)}`);
      }
    }
    this.imports[key] = { busy: false, error: errors.join(' ') || null, notice: notices.join(' ') || null };
    this.deps.onResultsChanged();
  }
}
