import type { AppInfo } from '../../../electron/api/contract/types.ts';
import { call, messageOf } from '../lib/api.ts';

export type Route = { name: 'patients' } | { name: 'patient'; id: number } | { name: 'settings' };

/** App-wide state: where the user is, and which model and backend grade their photographs. */
export class AppState {
  route = $state<Route>({ name: 'patients' });
  info = $state<AppInfo | null>(null);
  infoError = $state<string | null>(null);

  async loadInfo(): Promise<void> {
    try {
      this.info = await call('app:info', {});
      this.infoError = null;
    } catch (error) {
      this.infoError = messageOf(error);
    }
  }

  openPatient(id: number): void {
    this.route = { name: 'patient', id };
  }

  showPatients(): void {
    this.route = { name: 'patients' };
  }

  showSettings(): void {
    this.route = { name: 'settings' };
  }
}

export const appState = new AppState();
