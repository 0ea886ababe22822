import { z } from 'zod';
import { createVisit, updateVisit } from '../../db/visits-repo.ts';
import type { HandlerGroup } from '../handler.ts';
import { id, isoDate } from '../schemas.ts';

const person = z.string().trim().max(120, 'At most 120 characters.');

export const visitHandlers: HandlerGroup<'visits'> = {
  'visits:create': {
    contract: "Adds a visit for an existing patient, or returns that date's visit; one per date.",
    input: z
      .object({ patientId: id, date: isoDate, operator: person.optional(), camera: person.optional() })
      .strict(),
    run(ctx, input) {
      return createVisit(ctx.db, input);
    },
  },
  'visits:update': {
    contract: "Changes an existing visit's operator and camera; nothing else.",
    input: z.object({ id, operator: person, camera: person }).strict(),
    run(ctx, input) {
      return updateVisit(ctx.db, input.id, input.operator, input.camera);
    },
  },
};
