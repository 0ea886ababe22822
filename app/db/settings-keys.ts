/** Every key of the site `settings` table, in one place: a key not listed here cannot be read or written. */
export const SETTING_KEYS = {
  /** The site's referable-DR operating point (number); absent: the model's own. */
  referableThreshold: 'referableThreshold',
  /** Referral and recall per screening category (partial ReferralPolicy over the defaults). */
  referralPolicy: 'referralPolicy',
  /** The batch-import file-name pattern, e.g. `{clinicId}_{eye}`. */
  importPattern: 'importPattern',
} as const;

export type SettingKey = (typeof SETTING_KEYS)[keyof typeof SETTING_KEYS];
