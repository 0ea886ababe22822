import type { BackupStatus } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

/** Settings → Backups: where backups go, the backups there, and a backup now. */
export class BackupsState {
  status = $state.raw<BackupStatus | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);

  async load(): Promise<void> {
    await this.act(() => call('backups:status', {}));
  }

  setFolder(folder: string | null): Promise<void> {
    return this.act(() => call('backups:setFolder', { folder }));
  }

  runNow(): Promise<void> {
    return this.act(() => call('backups:run', {}));
  }

  private async act(run: () => Promise<BackupStatus>): Promise<void> {
    this.busy = true;
    try {
      this.status = await run();
      this.error = this.status.lastError;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = false;
    }
  }
}
