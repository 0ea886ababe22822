import { z } from 'zod';
import { REFERABLE_THRESHOLD, getSetting, setSetting } from '../../db/settings-repo.ts';
import type { AppContext } from '../../services/app-context.ts';
import type { SiteSettings } from '../contract/types.ts';
import type { HandlerGroup } from '../handler.ts';
import { empty } from '../schemas.ts';

function current(ctx: AppContext): SiteSettings {
  return {
    referableThreshold: getSetting<number>(ctx.db, REFERABLE_THRESHOLD),
    modelReferableThreshold: ctx.grading.referableThreshold,
  };
}

export const settingsHandlers: HandlerGroup<'settings'> = {
  'settings:get': {
    contract: 'Reads site settings; no patient data.',
    input: empty,
    run: (ctx) => current(ctx),
  },
  'settings:update': {
    contract:
      "Changes the site's referable-DR operating point (0–1, or null for the model's); applies to new results.",
    input: z.object({ referableThreshold: z.number().min(0).max(1).nullable() }).strict(),
    run(ctx, input) {
      setSetting(ctx.db, REFERABLE_THRESHOLD, input.referableThreshold);
      return current(ctx);
    },
  },
};
