import { z } from 'zod';
import { modelsOverview, promoteModel, rollbackModel } from '../../learning/model-registry.ts';
import { IDLE_JOB } from '../../learning/fine-tune-job.ts';
import { promotionMargin } from '../../learning/promotion.ts';
import { readinessGaps } from '../../learning/readiness.ts';
import { startFineTune } from '../../learning/start-fine-tune.ts';
import { AppError } from '../../../domain/errors.ts';
import { validatedSet } from '../../learning/validated-set.ts';
import { ADMINISTRATORS, CLINICIANS, STAFF, staff, type HandlerGroup } from '../handler.ts';
import { empty } from '../schemas.ts';
import type { AppContext } from '../../services/app-context.ts';

const places = (ctx: AppContext) => ({ ...ctx, bundledModelDir: ctx.modelDir });

/** For the audit log: the gate's verdict on the candidate, with its figures, as it stood when promoted. */
const verdictOf = (ctx: AppContext, id: string) =>
  modelsOverview(ctx.db, places(ctx)).versions.find((v) => v.source === 'local' && v.id === id)?.verdict ??
  null;

export const learningHandlers: HandlerGroup<'learning'> = {
  'learning:status': {
    roles: STAFF,
    audit: 'none',
    contract:
      "Reads the validated set's summary, what a fine-tune still needs and the disagreements; changes nothing.",
    input: empty,
    run(ctx) {
      const set = validatedSet(ctx.db);
      return {
        set: set.summary,
        gaps: readinessGaps(set.photographs, promotionMargin(ctx.db)),
        disagreements: set.disagreements.slice(0, 100),
      };
    },
  },
  'learning:models': {
    roles: STAFF,
    audit: 'none',
    contract:
      'Lists the models this workstation can grade with, their local figures and the promotion record; changes nothing.',
    input: empty,
    run: (ctx) => modelsOverview(ctx.db, places(ctx)),
  },
  'learning:promote': {
    roles: CLINICIANS,
    audit: 'change',
    contract:
      'Makes one local candidate (by folder name, never a path) the grading model, only if the promotion gate allows; records who.',
    input: z.object({ id: z.string().regex(/^[\w.-]{1,120}$/, 'Not a model name.') }).strict(),
    before: (ctx, input) => verdictOf(ctx, input.id),
    run: (ctx, input, caller) => promoteModel(places(ctx), input.id, staff(caller).displayName),
  },
  'learning:override': {
    roles: ADMINISTRATORS,
    audit: 'change',
    contract:
      'Makes one local candidate the grading model although it is worse on the reference set, only when the gate sent it for override; records who and why.',
    input: z
      .object({
        id: z.string().regex(/^[\w.-]{1,120}$/, 'Not a model name.'),
        reason: z
          .string()
          .trim()
          .min(20, 'Say why, in a sentence of at least 20 characters: it is kept in the audit log.')
          .max(1000),
      })
      .strict(),
    before: (ctx, input) => verdictOf(ctx, input.id),
    run: (ctx, input, caller) => promoteModel(places(ctx), input.id, staff(caller).displayName, input.reason),
  },
  'learning:rollback': {
    roles: CLINICIANS,
    audit: 'change',
    contract: 'Makes the model active before the latest promotion the grading model again; records who.',
    input: empty,
    run: (ctx, _input, caller) => rollbackModel(places(ctx), staff(caller).displayName),
  },
  'learning:fineTune': {
    roles: CLINICIANS,
    audit: 'change',
    contract:
      'Starts one background fine-tune of the grading model on the validated set (refused until it is ready); writes only a new candidate folder.',
    input: empty,
    run: (ctx, _input, caller) => startFineTune(ctx, staff(caller)),
  },
  'learning:job': {
    roles: STAFF,
    audit: 'none',
    passive: true,
    contract: 'Reads the background fine-tune’s progress; changes nothing.',
    input: empty,
    run: (ctx) => ctx.jobs?.status() ?? IDLE_JOB,
  },
  'learning:cancel': {
    roles: CLINICIANS,
    audit: 'change',
    contract:
      'Stops the running fine-tune and removes its unfinished candidate; the grading model is untouched.',
    input: empty,
    run: (ctx) => {
      if (!ctx.jobs) throw new AppError('CONFLICT', 'No fine-tune is running.');
      return ctx.jobs.cancel();
    },
  },
};
