import { z } from 'zod';
import { isReferable } from '../../../domain/referable.ts';
import type { ReviewQueueItem } from '../../../contract/index.ts';
import { getImages } from '../../db/images-repo.ts';
import { getPatientRefs } from '../../db/patients-repo.ts';
import { countUnreviewed, insertReview, unreviewedResults } from '../../db/reviews-repo.ts';
import type { HandlerGroup } from '../handler.ts';
import { empty, id } from '../schemas.ts';

export const reviewHandlers: HandlerGroup<'reviews'> = {
  'reviews:queue': {
    contract: 'Reads the unreviewed results with their patients; changes nothing.',
    input: empty,
    run(ctx) {
      const rows = unreviewedResults(ctx.db);
      const images = getImages(
        ctx.db,
        rows.map((r) => r.imageId),
      );
      const patients = getPatientRefs(
        ctx.db,
        rows.map((r) => r.patientId),
      );
      const items = rows.map((row): ReviewQueueItem => {
        const image = images.get(row.imageId)!;
        return {
          patient: patients.get(row.patientId)!,
          visitId: row.visitId,
          visitDate: row.visitDate,
          image,
          referable: image.result !== null && isReferable(image.result),
        };
      });
      // Referable first (most probable first), then ungradable (a re-image may be needed while the patient is
      // still in the clinic), then the rest in the order they were taken (the sort is stable).
      const rank = (i: ReviewQueueItem) => (i.referable ? 0 : i.image.result?.quality.gradable ? 2 : 1);
      const probability = (i: ReviewQueueItem) => i.image.result?.referableProbability ?? 0;
      return items.sort((a, b) => rank(a) - rank(b) || (a.referable ? probability(b) - probability(a) : 0));
    },
  },
  'reviews:count': {
    contract: 'Counts the results waiting for a clinician (the review badge); changes nothing.',
    input: empty,
    run(ctx) {
      return { count: countUnreviewed(ctx.db) };
    },
  },
  'reviews:submit': {
    contract: "Records a clinician's accept or override of one result; the model's grade is kept.",
    input: z
      .object({
        resultId: id,
        grade: z.number().int().min(0).max(4).nullable(),
        reason: z.string().trim().max(1000).optional(),
        reviewer: z.string().trim().min(1, 'Enter your name as reviewer.').max(120),
      })
      .strict(),
    run(ctx, input) {
      return insertReview(ctx.db, input);
    },
  },
};
