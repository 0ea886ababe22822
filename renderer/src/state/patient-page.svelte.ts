import type {
  Eye,
  ImportImageOutput,
  NewPatient,
  NewVisit,
  PatientDetail,
} from '../../../electron/api/contract/types.ts';
import { call, messageOf } from '../lib/api.ts';
import { appState } from './app.svelte.ts';

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

  constructor(readonly patientId: number) {}

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

  async importFile(visitId: number, eye: Eye, file: File): Promise<ImportImageOutput | null> {
    const key = `${visitId}:${eye}`;
    this.imports[key] = { busy: true, error: null, notice: null };
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const out = await call('images:import', { visitId, eye, fileName: file.name, bytes });
      const notices = [
        out.duplicate ? 'This photograph was already imported for this eye.' : null,
        out.eyeWarning,
      ];
      this.imports[key] = { busy: false, error: null, notice: notices.filter(Boolean).join(' ') || null };
      await this.load();
      void appState.refreshReviewCount();
      return out;
    } catch (error) {
      this.imports[key] = { busy: false, error: `${file.name}: ${messageOf(error)}`, notice: null };
      return null;
    }
  }
}
