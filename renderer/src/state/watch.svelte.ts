import type { Eye, Patient, WatchAssign, WatchStatus } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';
import { todayIso } from '../lib/format.ts';
import type { StateDeps } from './deps.ts';

/** How often the page asks the watch folder what it did: often enough that a new photograph shows up soon. */
export const WATCH_POLL_MS = 2000;

/** Staff's choice for one unmatched photograph: whose, which eye, which visit date. */
export interface AssignChoice {
  patientId: number | null;
  eye: Eye | null;
  date: string;
}

/** The camera folder on the import page: its state, what it imported, and what waits to be placed by hand. */
export class WatchState {
  status = $state.raw<WatchStatus | null>(null);
  patients = $state.raw<Patient[]>([]);
  error = $state<string | null>(null);
  /** Per unmatched file id. */
  choices = $state<Record<number, AssignChoice>>({});
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastImported = -1;

  constructor(private readonly deps: StateDeps) {}

  start(): () => void {
    void this.refresh();
    void call('patients:list', {}).then(
      (p) => (this.patients = p),
      () => undefined,
    );
    this.timer = setInterval(() => void this.refresh(), WATCH_POLL_MS);
    return () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    };
  }

  async refresh(): Promise<void> {
    try {
      this.show(await call('watch:status', {}));
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  private show(status: WatchStatus): void {
    this.status = status;
    this.error = null;
    for (const file of status.unmatched)
      this.choices[file.id] ??= { patientId: null, eye: null, date: todayIso() };
    // New imports from the folder add results to review: the badge counts again.
    const imported = status.recent.filter((f) => f.status === 'imported' || f.status === 'assigned').length;
    if (this.lastImported !== -1 && imported !== this.lastImported) this.deps.onResultsChanged();
    this.lastImported = imported;
  }

  async assign(fileId: number, registerPatient = false): Promise<void> {
    const choice = this.choices[fileId];
    const input: WatchAssign = registerPatient
      ? { fileId, registerPatient: true }
      : {
          fileId,
          ...(choice?.patientId ? { patientId: choice.patientId } : {}),
          ...(choice?.eye ? { eye: choice.eye } : {}),
          ...(choice?.date ? { date: choice.date } : {}),
        };
    try {
      this.show(await call('watch:assign', input));
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async dismiss(fileId: number): Promise<void> {
    try {
      this.show(await call('watch:dismiss', { fileId }));
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}
