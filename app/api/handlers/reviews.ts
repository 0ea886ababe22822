import { z } from 'zod';
import { countUnreviewed, insertReview } from '../../db/reviews-repo.ts';
import { reviewQueue } from '../../services/review-queue.ts';
import { referralPolicyInForce } from '../../services/referral.ts';
import { CLINICIANS, STAFF, staff, type HandlerGroup } from '../handler.ts';
import { empty, id } from '../schemas.ts';

export const reviewHandlers: HandlerGroup<'reviews'> = {
  'reviews:queue': {
    roles: STAFF,
    audit: 'view',
    contract: 'Reads the unreviewed results with their patients; changes nothing.',
    input: empty,
    run(ctx) {
      return reviewQueue(ctx.db);
    },
  },
  'reviews:count': {
    roles: STAFF,
    audit: 'none',
    passive: true,
    contract: 'Counts the results waiting for a clinician (the review badge); changes nothing.',
    input: empty,
    run(ctx) {
      return { count: countUnreviewed(ctx.db) };
    },
  },
  'reviews:submit': {
    roles: CLINICIANS,
    audit: 'change',
    contract: "Records a clinician's accept or override of one result; the model's grade is kept.",
    input: z
      .object({
        resultId: id,
        grade: z.number().int().min(0).max(4).nullable(),
        reason: z.string().trim().max(1000).optional(),
        seenReviewId: id.nullable(),
      })
      .strict(),
    run(ctx, input, caller) {
      return insertReview(
        ctx.db,
        { ...input, reviewer: staff(caller).displayName },
        referralPolicyInForce(ctx.db),
      );
    },
  },
};
