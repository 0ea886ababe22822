// Worklists: what the clinic has to do, across patients.

import type { ReferralRule } from './referral.ts';
import type { ReferralTracking } from './referral-tracking.ts';
import type { PatientRef } from './refs.ts';
import type { ReviewQueueItem } from './reviews.ts';

export interface WorklistFilter {
  /** Visit dates from (inclusive); the visits list defaults to today. */
  from?: string;
  /** Visit dates to (inclusive). */
  to?: string;
  /** Patient name or clinic ID. */
  query?: string;
}

export interface WorklistEntry {
  patient: PatientRef;
  visitId: number;
  visitDate: string;
  /** Photographs in the visit. */
  photos: number;
  rule: ReferralRule;
  dueDate: string | null;
  final: boolean;
  /** Days past the due date; 0 when not yet due or without one. */
  daysOverdue: number;
  /** For a referral: how far it has got (sent → booked → seen → outcome) and what is late. */
  tracking: ReferralTracking | null;
}

export interface Worklists {
  /** The record's version when the lists were read (app:changes): a page reloads them when it moves. */
  version: string;
  /** The date the lists were made for (the clinic's today). */
  today: string;
  /** Visits in the date range (today's by default). */
  visits: WorklistEntry[];
  /** Results waiting for a clinician, from visits in the range. */
  unreviewed: ReviewQueueItem[];
  /** Patients whose next step is a referral (urgent first). */
  referrals: WorklistEntry[];
  /** Patients whose rescreen is due and not yet done (due date passed, no later visit). */
  overdue: WorklistEntry[];
}

/** Channels of the worklists area. */
export interface WorklistsApi {
  'worklists:get': { input: WorklistFilter; output: Worklists };
}
