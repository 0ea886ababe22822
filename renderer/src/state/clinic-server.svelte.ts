import type { ClinicServerSetting } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

/** Settings → Clinic server (desktop app): the server this workstation uses from its next start, if any. */
export class ClinicServerState {
  setting = $state.raw<ClinicServerSetting | null>(null);
  url = $state('');
  fingerprint = $state('');
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  busy = $state(false);

  async load(): Promise<void> {
    await this.act(() => call('app:clinicServer', {}));
  }

  /** Checks the server's certificate against the fingerprint now; saved only when they match. */
  use(): Promise<void> {
    return this.act(
      () => call('app:useClinicServer', { url: this.url.trim(), fingerprint: this.fingerprint.trim() }),
      'Saved: restart EyeNet to use the clinic server. This workstation’s own record stays as it is.',
    );
  }

  ownRecord(): Promise<void> {
    return this.act(
      () => call('app:useClinicServer', { ownRecord: true }),
      'Saved: EyeNet uses this workstation’s own record from its next start.',
    );
  }

  private async act(run: () => Promise<ClinicServerSetting>, done?: string): Promise<void> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      this.setting = await run();
      if (done) this.notice = done;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = false;
    }
  }
}
