import { z } from 'zod';
import { REFERRAL_OUTCOMES, REFERRAL_STEPS } from '../../../contract/index.ts';
import { visitDetail } from '../../services/patient-record.ts';
import { recordReferralStep, trackingOf } from '../../services/referral-tracking.ts';
import { RECORD_KEEPERS, staff, type HandlerGroup } from '../handler.ts';
import { id, isoDate, localToday } from '../schemas.ts';

export const referralHandlers: HandlerGroup<'referrals'> = {
  'referrals:record': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      "Records one step of one visit's referral (sent, booked, seen, outcome), in order, as the signed-in person; earlier steps are kept.",
    input: z
      .object({
        visitId: id,
        step: z.enum(REFERRAL_STEPS),
        date: isoDate,
        outcome: z.enum(REFERRAL_OUTCOMES).optional(),
        note: z.string().trim().max(500, 'At most 500 characters.').optional(),
      })
      .strict(),
    run(ctx, input, caller) {
      const { visit } = visitDetail(ctx.db, input.visitId);
      const today = localToday();
      const events = recordReferralStep(
        ctx.db,
        { id: visit.id, date: visit.date, rule: visit.outcome.rule },
        input,
        staff(caller).displayName,
        today,
      );
      return trackingOf(events, visit.date, visit.outcome.rule, today);
    },
  },
};
