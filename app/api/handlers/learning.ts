import { z } from 'zod';
import { modelsOverview, promoteModel, rollbackModel } from '../../learning/model-registry.ts';
import { readinessGaps } from '../../learning/readiness.ts';
import { validatedSet } from '../../learning/validated-set.ts';
import type { HandlerGroup } from '../handler.ts';
import { changedBy, empty } from '../schemas.ts';
import type { AppContext } from '../../services/app-context.ts';

const places = (ctx: AppContext) => ({ ...ctx, bundledModelDir: ctx.modelDir });

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
  'learning:models': {
    contract:
      'Lists the models this workstation can grade with, their local figures and the promotion record; changes nothing.',
    input: empty,
    run: (ctx) => modelsOverview(ctx.db, places(ctx)),
  },
  'learning:promote': {
    contract:
      'Makes one local candidate (by folder name, never a path) the grading model, only if the promotion gate allows; records who.',
    input: z.object({ id: z.string().regex(/^[\w.-]{1,120}$/, 'Not a model name.'), by: changedBy }).strict(),
    run: (ctx, input) => promoteModel(places(ctx), input.id, input.by),
  },
  'learning:rollback': {
    contract: 'Makes the model active before the latest promotion the grading model again; records who.',
    input: z.object({ by: changedBy }).strict(),
    run: (ctx, input) => rollbackModel(places(ctx), input.by),
  },
};
