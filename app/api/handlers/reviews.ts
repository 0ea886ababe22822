import { z } from 'zod';
import { countUnreviewed, insertReview } from '../../db/reviews-repo.ts';
import { reviewQueue } from '../../services/review-queue.ts';
import { referralPolicyInForce } from '../../services/referral.ts';
import { arbitrate, needsSecondReading, readingQueue, secondRead } from '../../services/second-reading.ts';
import { CLINICIANS, STAFF, staff, type HandlerGroup } from '../handler.ts';
import { empty, id } from '../schemas.ts';

const reading = z
  .object({
    resultId: id,
    grade: z.number().int().min(0).max(4).nullable(),
    reason: z.string().trim().max(1000).optional(),
    seenReviewId: id,
  })
  .strict();

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
    contract:
      "Records a clinician's accept or override of one result, with their maculopathy reading (M0/M1) where given; the model's grade and flags are kept.",
    input: z
      .object({
        resultId: id,
        grade: z.number().int().min(0).max(4).nullable(),
        reason: z.string().trim().max(1000).optional(),
        maculopathy: z.boolean().nullable().optional(),
        seenReviewId: id.nullable(),
      })
      .strict(),
    run(ctx, input, caller) {
      return insertReview(
        ctx.db,
        {
          ...input,
          reviewer: staff(caller).displayName,
          // Decided when the first reading is made, under the site's rule then: a later change does not reopen it.
          secondRequired: needsSecondReading(ctx.db, input.resultId, input.grade),
        },
        referralPolicyInForce(ctx.db),
      );
    },
  },
  'reviews:readings': {
    roles: CLINICIANS,
    audit: 'none',
    contract:
      'Reads the results waiting for a second reading or arbitration that the signed-in clinician has not read; changes nothing.',
    input: z.object({ stage: z.enum(['second', 'arbitration']) }).strict(),
    run: (ctx, input, caller) => readingQueue(ctx.db, input.stage, staff(caller)),
  },
  'reviews:secondRead': {
    roles: CLINICIANS,
    audit: 'change',
    contract:
      "Records a second clinician's independent reading of one result waiting for it (never the first reader's).",
    input: reading,
    run: (ctx, input, caller) => secondRead(ctx.db, input, staff(caller)),
  },
  'reviews:arbitrate': {
    roles: CLINICIANS,
    audit: 'change',
    contract:
      "Records an arbitrating clinician's grade, with the reason, for one result whose two readings differ (neither reader).",
    input: reading,
    run: (ctx, input, caller) => arbitrate(ctx.db, input, staff(caller)),
  },
};
