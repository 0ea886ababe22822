import type { NewPatient, Patient, PatientListItem } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

export class PatientListState {
  query = $state('');
  patients = $state<PatientListItem[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);
  private requestId = 0;

  /** Searches as the user types; a slow answer to an older query never overwrites a newer one. */
  async load(): Promise<void> {
    const id = ++this.requestId;
    this.loading = true;
    try {
      const patients = await call('patients:list', { query: this.query });
      if (id !== this.requestId) return;
      this.patients = patients;
      this.error = null;
    } catch (error) {
      if (id === this.requestId) this.error = messageOf(error);
    } finally {
      if (id === this.requestId) this.loading = false;
    }
  }

  async create(patient: NewPatient): Promise<Patient> {
    const created = await call('patients:create', patient);
    await this.load();
    return created;
  }
}
