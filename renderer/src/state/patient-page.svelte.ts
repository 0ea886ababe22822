import { hasDicomMarker } from '$domain/dicom-marker.ts';
import type {
  Eye,
  FundusImage,
  NewPatient,
  NewVisit,
  PatientDetail,
  RecordKind,
  VisitUpdate,
} from '$contract/index.ts';
import { ApiFailure, call, messageOf } from '../lib/api.ts';
import { readPhotograph } from '../lib/read-photograph.ts';
import type { StateDeps } from './deps.ts';

export interface ImportStatus {
  busy: boolean;
  error: string | null;
  notice: string | null;
}

/** A photograph dropped on one eye whose file name names the other: nothing is stored until staff answer. */
export interface EyeQuestion {
  id: number;
  visitId: number;
  file: File;
  /** Where it was dropped. */
  dropped: Eye;
  /** What its name says. */
  named: Eye;
  message: string;
}

const idle = (): ImportStatus => ({ busy: false, error: null, notice: null });
const other = (eye: Eye): Eye => (eye === 'OD' ? 'OS' : 'OD');

export class PatientPageState {
  detail = $state<PatientDetail | null>(null);
  loading = $state(true);
  error = $state<string | null>(null);
  /** Per visit and eye (`<visitId>:<eye>`): is a photograph being graded, and how did the last one go. */
  imports = $state<Record<string, ImportStatus>>({});
  questions = $state<EyeQuestion[]>([]);
  private questionId = 0;

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
    // The version on screen: a save over someone else's newer one is refused (STALE) with what to do.
    const version = this.detail?.patient.version ?? 0;
    try {
      await call('patients:update', { ...patient, id: this.patientId, version });
    } catch (error) {
      // Someone else saved first: show their version behind the form, which keeps what this person typed.
      if (error instanceof ApiFailure && error.code === 'STALE') await this.load();
      throw error;
    }
    await this.load();
  }

  async startVisit(visit: Omit<NewVisit, 'patientId'>): Promise<void> {
    await call('visits:create', { ...visit, patientId: this.patientId });
    await this.load();
  }

  // Corrections throw, so the dialog that asked shows why one was refused.
  async updateVisit(id: number, fields: Omit<VisitUpdate, 'id'>) {
    await call('visits:update', { id, ...fields });
    await this.load();
  }

  /** The signed-in clinician signs the visit off (throws, so the card can say why it was refused). */
  async signOff(visitId: number) {
    await call('visits:signOff', { visitId });
    await this.load();
  }

  async moveImage(imageId: number, to: { eye?: Eye; visitId?: number }, reason: string) {
    await call('images:move', { imageId, ...to, reason });
    await this.load();
    this.deps.onResultsChanged();
  }

  async deleteRecord(kind: RecordKind, id: number, reason: string) {
    await call('records:delete', { kind, id, reason });
    if (kind !== 'patient') await this.load();
    this.deps.onResultsChanged();
  }

  async mergeDuplicate(mergeId: number, reason: string) {
    await call('patients:merge', { keepId: this.patientId, mergeId, reason });
    await this.load();
    this.deps.onResultsChanged();
  }

  importStatus(visitId: number, eye: Eye): ImportStatus {
    return this.imports[`${visitId}:${eye}`] ?? idle();
  }

  /**
   * Grades the photographs dropped on one eye one after another, so the eye shows "grading" until the last
   * is done and every file's notice or error stays visible. A file whose name names the other eye is not
   * stored: it waits as a question (answerEye).
   */
  async importFiles(visitId: number, eye: Eye, files: readonly File[], confirmEye = false): Promise<void> {
    const key = `${visitId}:${eye}`;
    this.imports[key] = { busy: true, error: null, notice: null };
    const notices: string[] = [];
    const errors: string[] = [];
    for (const file of files) {
      try {
        const bytes = await readPhotograph(file);
        if (hasDicomMarker(bytes)) {
          // DICOM: its header's laterality is checked against the eye it was dropped on (and its patient ID
          // against this patient) before anything is stored.
          const out = await call('imports:dicom', { visitId, eye, confirmEye, fileName: file.name, bytes });
          if (out.images.every((i) => i.duplicate)) notices.push(`${file.name}: already imported.`);
          if (out.images.length > 1) notices.push(`${file.name}: ${out.images.length} frames imported.`);
        } else {
          const out = await call('images:import', { visitId, eye, confirmEye, fileName: file.name, bytes });
          if (out.duplicate) notices.push(`${file.name}: already imported for this eye.`);
          if (out.eyeWarning) notices.push(`${file.name}: imported as the eye you chose. ${out.eyeWarning}`);
        }
        await this.load();
      } catch (error) {
        if (error instanceof ApiFailure && error.code === 'NEEDS_CONFIRMATION')
          this.questions.push({
            id: ++this.questionId,
            visitId,
            file,
            dropped: eye,
            named: other(eye),
            message: error.message,
          });
        else errors.push(`${file.name}: ${messageOf(error)}`);
      }
    }
    this.imports[key] = { busy: false, error: errors.join(' ') || null, notice: notices.join(' ') || null };
    this.deps.onResultsChanged();
  }

  /** Grades a photograph again with the model grading now; the earlier result is kept beside the new one. */
  async regrade(visitId: number, image: FundusImage): Promise<void> {
    const key = `${visitId}:${image.eye}`;
    this.imports[key] = { busy: true, error: null, notice: null };
    try {
      const out = await call('images:regrade', { imageId: image.id });
      await this.load();
      this.imports[key] = {
        busy: false,
        error: null,
        notice: `${image.fileName}: graded again by ${out.result?.model.name} ${out.result?.model.version}.`,
      };
      this.deps.onResultsChanged();
    } catch (error) {
      this.imports[key] = { busy: false, error: `${image.fileName}: ${messageOf(error)}`, notice: null };
    }
  }

  /** Staff answered a wrong-eye question: import as `eye`, or (null) not at all. */
  async answerEye(questionId: number, eye: Eye | null): Promise<void> {
    const question = this.questions.find((q) => q.id === questionId);
    if (!question) return;
    this.questions = this.questions.filter((q) => q.id !== questionId);
    if (eye) await this.importFiles(question.visitId, eye, [question.file], eye === question.dropped);
  }
}
