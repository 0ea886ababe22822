// Correcting the record: deleting (kept as a tombstone, restorable) and the history of every correction.

import type { PatientRef } from './refs.ts';

export type RecordKind = 'patient' | 'visit' | 'image';

/** One correction: what changed, from what to what, by whom and why. Append-only. */
export interface RecordChange {
  id: number;
  entity: RecordKind;
  entityId: number;
  action: 'edit' | 'move' | 'delete' | 'restore' | 'merge';
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  changedBy: string;
  reason: string;
  changedAt: string;
}

/** A deleted patient, visit or photograph: hidden from every list, kept with who, when and why. */
export interface DeletedRecord {
  kind: RecordKind;
  id: number;
  patient: PatientRef;
  /** What it was, in words: the patient's name, "Visit 2026-11-20", "Right eye (OD) · 10_right.jpeg". */
  label: string;
  deletedAt: string;
  deletedBy: string;
  reason: string;
  /** A merged duplicate registration: the patient it was merged into (restoring moves its visits back). */
  mergedInto: PatientRef | null;
}

export interface RecordRef {
  kind: RecordKind;
  id: number;
}

/** Channels of the records area. */
export interface RecordsApi {
  'records:delete': { input: RecordRef & { reason: string }; output: DeletedRecord };
  'records:restore': { input: RecordRef; output: { restored: true } };
  'records:deleted': { input: Record<string, never>; output: DeletedRecord[] };
}
