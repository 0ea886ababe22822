// The camera-export watch folder: what it is doing, what it imported, what it could not place.

import type { Eye } from '../domain/eye.ts';

export type WatchState = 'off' | 'watching' | 'missing';

export type WatchFileStatus = 'imported' | 'duplicate' | 'unmatched' | 'failed' | 'assigned' | 'dismissed';

export interface WatchFileItem {
  id: number;
  /** The file's name inside the watch folder (with any sub-folder). */
  name: string;
  status: WatchFileStatus;
  /** What happened, in a sentence (why it could not be placed, or where it went). */
  message: string;
  imageIds: number[];
  /** For an unmatched DICOM file of a patient not yet registered: who its header names. */
  registrable: { clinicId: string; name: string } | null;
  seenAt: string;
  updatedAt: string;
}

export interface WatchStatus {
  folder: string | null;
  state: WatchState;
  /** Why the folder is missing, or since when it is watched. */
  message: string;
  /** Files found and waiting to be imported (being written, or queued). */
  pending: number;
  unmatched: WatchFileItem[];
  /** The latest files handled, newest first. */
  recent: WatchFileItem[];
}

export interface WatchAssign {
  fileId: number;
  /** Into this patient's visit of `date` (opened when needed), as `eye`... */
  patientId?: number;
  eye?: Eye;
  date?: string;
  /** ...or, for a DICOM file of an unregistered patient, register the patient its header names. */
  registerPatient?: boolean;
}

/** Channels of the watch area. */
export interface WatchApi {
  'watch:status': { input: Record<string, never>; output: WatchStatus };
  /** Imports an unmatched file where staff say it belongs. */
  'watch:assign': { input: WatchAssign; output: WatchStatus };
  /** Leaves an unmatched file out for good (it stays in the folder; it is not imported). */
  'watch:dismiss': { input: { fileId: number }; output: WatchStatus };
}
