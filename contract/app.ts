// The app itself: version, backend, model, disclaimer.

import type { ModelInfo } from '../domain/results.ts';

export interface AppInfo {
  appVersion: string;
  backend: string;
  /** Why the fastest engine (ONNX Runtime) is not the one grading; null when it is. */
  engineNote: string | null;
  model: ModelInfo | null;
  modelError: string | null;
  dataDir: string;
  disclaimer: string;
  /** Why the record takes no changes (its database failed the integrity check at start); null when all is well. */
  readOnly: string | null;
  /**
   * Why the audit log cannot be trusted (its chain or its anchor outside the database failed the check at start
   * or the daily one), in a sentence; null when it holds. Shown to administrators.
   */
  auditProblem: string | null;
}

export const SCREENING_DISCLAIMER =
  'EyeNet is a screening aid, not a diagnosis. Every result must be reviewed by a qualified clinician.';

/** The clinic server a desktop workstation uses instead of its own record (its certificate pinned), or none. */
export interface ClinicServerSetting {
  /** Only the desktop app can switch to a clinic server (a browser opens the server's address itself). */
  available: boolean;
  choice: { url: string; fingerprint: string } | null;
}

/** Channels of the app area. */
export interface AppApi {
  'app:info': { input: Record<string, never>; output: AppInfo };
  /**
   * A token that changes whenever the record does (an import, a result, a review, any audited change), from
   * whichever workstation: a page polls it and reloads its list when it moves.
   */
  'app:changes': { input: Record<string, never>; output: { version: string } };
  'app:clinicServer': { input: Record<string, never>; output: ClinicServerSetting };
  /**
   * Uses a clinic server from the next start (its certificate checked now against the fingerprint the server
   * printed), or goes back to this workstation's own record.
   */
  'app:useClinicServer': {
    input: { url: string; fingerprint: string } | { ownRecord: true };
    output: ClinicServerSetting;
  };
}
