import { readinessGaps } from '../../learning/readiness.ts';
import { validatedSet } from '../../learning/validated-set.ts';
import type { HandlerGroup } from '../handler.ts';
import { empty } from '../schemas.ts';

export const learningHandlers: HandlerGroup<'learning'> = {
  'learning:status': {
    contract:
      "Reads the validated set's summary, what a fine-tune still needs and the disagreements; changes nothing.",
    input: empty,
    run(ctx) {
      const set = validatedSet(ctx.db);
      return {
        set: set.summary,
        gaps: readinessGaps(set.photographs),
        disagreements: set.disagreements.slice(0, 100),
      };
    },
  },
};
