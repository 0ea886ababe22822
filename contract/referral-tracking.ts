// A referral tracked from the screening clinic to the eye service and back: sent → booked → seen → outcome.

export const REFERRAL_STEPS = ['sent', 'booked', 'seen', 'outcome'] as const;
export type ReferralStep = (typeof REFERRAL_STEPS)[number];

export const REFERRAL_STEP_LABELS: Record<ReferralStep, string> = {
  sent: 'Referral sent',
  booked: 'Appointment booked',
  seen: 'Seen by the eye service',
  outcome: 'Outcome recorded',
};

export const REFERRAL_OUTCOMES = ['treatment', 'monitoring', 'discharged', 'did_not_attend'] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];

export const REFERRAL_OUTCOME_LABELS: Record<ReferralOutcome, string> = {
  treatment: 'Treated (laser, injections or surgery)',
  monitoring: 'Kept under the eye service’s monitoring',
  discharged: 'Discharged back to screening',
  did_not_attend: 'Did not attend',
};

export interface ReferralEvent {
  step: ReferralStep;
  /** The date of the step (for `booked`, the appointment's date). */
  date: string;
  outcome: ReferralOutcome | null;
  note: string;
  recordedBy: string;
  recordedAt: string;
}

export interface ReferralTracking {
  /** Every step recorded, oldest first (a step recorded again corrects it; both stay). */
  events: ReferralEvent[];
  /** The furthest step reached, or null before the referral is sent. */
  step: ReferralStep | null;
  /** What is late, in a sentence ("Not sent 9 days after the visit"); null when nothing is. */
  late: string | null;
}

export interface ReferralStepInput {
  visitId: number;
  step: ReferralStep;
  date: string;
  outcome?: ReferralOutcome;
  note?: string;
}

/** Channels of the referrals area. */
export interface ReferralsApi {
  /** Records one step of a visit's referral (in order; a step recorded again corrects it, both kept). */
  'referrals:record': { input: ReferralStepInput; output: ReferralTracking };
}
