import type {
  OperatingPointImpact,
  PolicyImpact,
  ReferralPolicy,
  SettingsUpdate,
  SiteSettings,
} from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

export type SettingsForm = 'threshold' | 'policy' | 'pattern' | 'clinic' | 'watch' | 'margin' | 'reading';

/** The Settings page: the site's operating point, referral policy and import pattern, each saved on its own. */
export class SettingsState {
  settings = $state.raw<SiteSettings | null>(null);
  /** The operating-point field as typed: a percentage, as every screen shows it. */
  threshold = $state('');
  /** A referral policy waiting for confirmation, with what it would change. */
  pendingPolicy = $state.raw<{ policy: ReferralPolicy | null; impact: PolicyImpact } | null>(null);
  /** The file-name pattern field as typed. */
  pattern = $state('');
  /** The clinic on every report, as typed. */
  clinicName = $state('');
  clinicAddress = $state('');
  paperSize = $state<'A4' | 'Letter'>('A4');
  /** The camera-export folder field as typed. */
  watchFolder = $state('');
  /** The promotion gate's margin, as typed (AUC units, e.g. 0.02), and why it changes. */
  margin = $state('');
  marginReason = $state('');
  /** Second reading as the form shows it, and why it changes. */
  secondReading = $state(false);
  samplePercent = $state('10');
  readingReason = $state('');
  /** An operating point waiting for confirmation, with what it would mean, and the reason being typed. */
  pendingThreshold = $state.raw<{ threshold: number | null; impact: OperatingPointImpact } | null>(null);
  thresholdReason = $state('');
  error = $state<string | null>(null);
  /** Which form last saved, so its confirmation shows beside it. */
  saved = $state<SettingsForm | null>(null);
  savedError = $state<{ form: SettingsForm; message: string } | null>(null);

  private show(next: SiteSettings): void {
    this.settings = next;
    this.threshold =
      next.referableThreshold === null ? '' : String(Number((next.referableThreshold * 100).toFixed(2)));
    this.pattern = next.importPattern;
    this.clinicName = next.clinic.name;
    this.clinicAddress = next.clinic.address;
    this.paperSize = next.clinic.paperSize;
    this.watchFolder = next.watchFolder ?? '';
    this.margin = String(next.promotionMargin.value);
    this.secondReading = next.secondReading !== null;
    this.samplePercent = String(next.secondReading?.samplePercent ?? 10);
  }

  /** Saves second reading on (with the typed sample of normals) or off, with the reason. */
  saveSecondReading(): Promise<void> {
    const percent = Number(this.samplePercent.trim().replace(',', '.').replace(/\s*%$/, ''));
    if (this.secondReading && !(this.samplePercent.trim() !== '' && Number.isFinite(percent))) {
      this.savedError = { form: 'reading', message: 'The sample of normal readings is a percentage, 0–100.' };
      return Promise.resolve();
    }
    return this.update('reading', {
      secondReading: this.secondReading ? { samplePercent: percent } : null,
      reason: this.readingReason,
    });
  }

  /** Saves the typed promotion margin (the server says why one is out of range); null restores the default. */
  saveMargin(margin: string | null): Promise<void> {
    if (margin === null) return this.update('margin', { promotionMargin: null, reason: this.marginReason });
    const value = Number(margin.trim().replace(',', '.'));
    if (margin.trim() === '' || !Number.isFinite(value)) {
      this.savedError = { form: 'margin', message: 'The margin is a number such as 0.02.' };
      return Promise.resolve();
    }
    return this.update('margin', { promotionMargin: value, reason: this.marginReason });
  }

  /** Saves the clinic's name, address and paper size; `logo` a new logo's bytes, null to remove it, absent to keep. */
  saveClinic(logo?: Uint8Array | null): Promise<void> {
    return this.update('clinic', {
      clinic: {
        name: this.clinicName,
        address: this.clinicAddress,
        paperSize: this.paperSize,
        ...(logo !== undefined ? { logo } : {}),
      },
    });
  }

  saveWatchFolder(folder: string | null): Promise<void> {
    const trimmed = folder?.trim() ?? '';
    return this.update('watch', { watchFolder: trimmed === '' ? null : trimmed });
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

  /**
   * First step of changing the operating point (or going back to the model's): show the sensitivity and
   * specificity it gives on the model's evaluation sets beside those of the point in force, and wait for a
   * confirmation with the reason.
   */
  async previewThreshold(threshold: number | null): Promise<void> {
    this.saved = null;
    this.savedError = null;
    try {
      this.pendingThreshold = {
        threshold,
        impact: await call('settings:operatingPointImpact', { threshold }),
      };
      this.thresholdReason = '';
    } catch (e) {
      this.savedError = { form: 'threshold', message: messageOf(e) };
    }
  }

  async confirmThreshold(): Promise<void> {
    const pending = this.pendingThreshold;
    if (!pending) return;
    await this.update('threshold', { referableThreshold: pending.threshold, reason: this.thresholdReason });
    if (this.saved === 'threshold') this.pendingThreshold = null;
  }

  cancelThreshold(): void {
    this.pendingThreshold = null;
  }

  /** Saves the typed operating point (a percentage, "6.8" or "6.8 %"), or says why it cannot be one. */
  submitThreshold(): Promise<void> {
    const text = this.threshold.trim().replace(/\s*%$/, '').replace(',', '.');
    const number = Number(text);
    if (text === '' || !Number.isFinite(number) || number <= 0 || number >= 100) {
      this.savedError = {
        form: 'threshold',
        message: 'Enter a percentage between 0 and 100, for example 6.8 for 6.8 %.',
      };
      return Promise.resolve();
    }
    return this.previewThreshold(number / 100);
  }

  /**
   * First step of saving a referral policy: show what it would change (provisional visits whose next step
   * changes; decided visits keep theirs) and wait for confirmation. An unsafe policy is refused here already.
   */
  async previewPolicy(policy: ReferralPolicy | null): Promise<void> {
    this.saved = null;
    this.savedError = null;
    try {
      this.pendingPolicy = {
        policy,
        impact: await call('settings:policyImpact', { referralPolicy: policy }),
      };
    } catch (e) {
      this.savedError = { form: 'policy', message: messageOf(e) };
    }
  }

  async confirmPolicy(): Promise<void> {
    const pending = this.pendingPolicy;
    if (!pending) return;
    this.pendingPolicy = null;
    await this.update('policy', { referralPolicy: pending.policy });
  }

  cancelPolicy(): void {
    this.pendingPolicy = null;
  }
}
