import type { SettingsUpdate, SiteSettings } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

export type SettingsForm = 'threshold' | 'policy' | 'pattern';

/** The Settings page: the site's operating point, referral policy and import pattern, each saved on its own. */
export class SettingsState {
  settings = $state.raw<SiteSettings | null>(null);
  /** The operating-point field as typed. */
  threshold = $state('');
  /** The file-name pattern field as typed. */
  pattern = $state('');
  error = $state<string | null>(null);
  /** Which form last saved, so its confirmation shows beside it. */
  saved = $state<SettingsForm | null>(null);
  savedError = $state<{ form: SettingsForm; message: string } | null>(null);

  private show(next: SiteSettings): void {
    this.settings = next;
    this.threshold = next.referableThreshold === null ? '' : String(next.referableThreshold);
    this.pattern = next.importPattern;
  }

  async load(): Promise<void> {
    try {
      this.show(await call('settings:get', {}));
    } catch (e) {
      this.error = messageOf(e);
    }
  }

  async update(form: SettingsForm, change: SettingsUpdate): Promise<void> {
    this.error = null;
    this.saved = null;
    this.savedError = null;
    try {
      this.show(await call('settings:update', change));
      this.saved = form;
    } catch (e) {
      this.savedError = { form, message: messageOf(e) };
    }
  }

  saveThreshold(threshold: number | null): Promise<void> {
    return this.update('threshold', { referableThreshold: threshold });
  }

  /** Saves the typed operating point, or says why it cannot be one. */
  submitThreshold(): Promise<void> {
    const text = this.threshold.trim();
    const number = Number(text);
    if (text === '' || !Number.isFinite(number) || number < 0 || number > 1) {
      this.savedError = {
        form: 'threshold',
        message: 'Enter a probability between 0 and 1, for example 0.25.',
      };
      return Promise.resolve();
    }
    return this.saveThreshold(number);
  }
}
