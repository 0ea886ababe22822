// Backups: the database and photographs copied to a folder the site chooses, on demand and daily.

export interface BackupSummary {
  /** The snapshot folder (restore takes it). */
  folder: string;
  createdAt: string;
  patients: number;
  photographs: number;
  bytes: number;
}

export interface BackupStatus {
  /** Where backups go; null until an administrator chooses a folder. */
  folder: string | null;
  /** The newest few, newest first. */
  backups: BackupSummary[];
  /** A backup running now (started by hand or by the daily schedule). */
  running: boolean;
  /** The last backup that failed, in a sentence; null when the last one worked. */
  lastError: string | null;
  /** The command that restores a snapshot (EyeNet closed), for the Settings page to show. */
  restoreCommand: string;
}

/** Channels of the backups area. */
export interface BackupsApi {
  'backups:status': { input: Record<string, never>; output: BackupStatus };
  'backups:setFolder': { input: { folder: string | null }; output: BackupStatus };
  'backups:run': { input: Record<string, never>; output: BackupStatus };
}
