/** Every key of the site `settings` table, in one place: a key not listed here cannot be read or written. */
export const SETTING_KEYS = {
  /** The site's referable-DR operating point (number); absent: the model's own. */
  referableThreshold: 'referableThreshold',
  /** Referral and recall per screening category (partial ReferralPolicy over the defaults). */
  referralPolicy: 'referralPolicy',
  /** The batch-import file-name pattern, e.g. `{clinicId}_{eye}`. */
  importPattern: 'importPattern',
  /** The clinic on reports: { name, address, paperSize, logoSha256 } (the logo is in the image store). */
  clinic: 'clinic',
  /** The watched camera-export folder (absolute path). */
  watchFolder: 'watchFolder',
  /** Every model promotion and rollback (ModelHistoryEntry[]); the last names the model grading now. */
  modelHistory: 'modelHistory',
  /** Minutes without use before a window locks itself (number); absent: DEFAULT_IDLE_LOCK_MINUTES. */
  idleLockMinutes: 'idleLockMinutes',
  /** Where backups go (absolute path); absent: no backups yet. */
  backupFolder: 'backupFolder',
  /** Second reading: { samplePercent } when the site requires it; absent: one reading suffices. */
  secondReading: 'secondReading',
  /** The promotion gate's margin δ (number, within MIN/MAX_PROMOTION_MARGIN); absent: the default 0.02. */
  promotionMargin: 'promotionMargin',
  /** True once the audit log's head is kept beside the database (audit-anchor.ts): from then on it must be. */
  auditAnchored: 'auditAnchored',
} as const;

export type SettingKey = (typeof SETTING_KEYS)[keyof typeof SETTING_KEYS];
