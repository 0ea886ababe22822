import { z } from 'zod';
import { createVisit } from '../../db/visits-repo.ts';
import type { HandlerGroup } from '../handler.ts';
import { id, isoDate } from '../schemas.ts';

export const visitHandlers: HandlerGroup<'visits'> = {
  'visits:create': {
    contract: "Adds a visit for an existing patient, or returns that date's visit; one per date.",
    input: z.object({ patientId: id, date: isoDate }).strict(),
    run(ctx, input) {
      return createVisit(ctx.db, input.patientId, input.date);
    },
  },
};
