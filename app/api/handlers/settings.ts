import { z } from 'zod';
import { REFERRAL_CATEGORIES, type ReferralPolicy, type SiteSettings } from '../../../contract/index.ts';
import { SETTING_KEYS } from '../../db/settings-keys.ts';
import { getSetting, setSetting } from '../../db/settings-repo.ts';
import type { AppContext } from '../../services/app-context.ts';
import { compileFileNamePattern } from '../../services/file-pattern.ts';
import { importPatternInForce } from '../../services/import-plan.ts';
import { DEFAULT_REFERRAL_POLICY, referralPolicyInForce } from '../../services/referral.ts';
import type { HandlerGroup } from '../handler.ts';
import { empty } from '../schemas.ts';

function current(ctx: AppContext): SiteSettings {
  return {
    referableThreshold: getSetting<number>(ctx.db, SETTING_KEYS.referableThreshold),
    modelReferableThreshold: ctx.grading.referableThreshold,
    referralPolicy: referralPolicyInForce(ctx.db),
    defaultReferralPolicy: DEFAULT_REFERRAL_POLICY,
    importPattern: importPatternInForce(ctx.db),
  };
}

const rule = z
  .object({
    action: z.enum(['rescreen', 'refer', 'refer_urgent', 'reimage']),
    months: z.number().int().min(1).max(60).nullable(),
  })
  .strict()
  .refine((r) => (r.action === 'rescreen' || r.action === 'refer') === (r.months !== null), {
    message: 'Rescreen and refer need a number of months (1–60); urgent referral and re-imaging take none.',
  });

const policy = z
  .object(Object.fromEntries(REFERRAL_CATEGORIES.map((c) => [c, rule])) as Record<string, typeof rule>)
  .strict() as unknown as z.ZodType<ReferralPolicy>;

export const settingsHandlers: HandlerGroup<'settings'> = {
  'settings:get': {
    contract: 'Reads site settings; no patient data.',
    input: empty,
    run: (ctx) => current(ctx),
  },
  'settings:update': {
    contract:
      "Changes the site's operating point, referral policy or import file-name pattern; applies to new work.",
    input: z
      .object({
        referableThreshold: z.number().min(0).max(1).nullable().optional(),
        referralPolicy: policy.nullable().optional(),
        importPattern: z.string().trim().min(1).max(200).nullable().optional(),
      })
      .strict(),
    run(ctx, input) {
      // Compiling refuses a pattern that could never match, before anything is saved.
      if (input.importPattern) compileFileNamePattern(input.importPattern);
      ctx.db.transaction(() => {
        if (input.referableThreshold !== undefined)
          setSetting(ctx.db, SETTING_KEYS.referableThreshold, input.referableThreshold);
        if (input.referralPolicy !== undefined)
          setSetting(ctx.db, SETTING_KEYS.referralPolicy, input.referralPolicy);
        if (input.importPattern !== undefined)
          setSetting(ctx.db, SETTING_KEYS.importPattern, input.importPattern);
      })();
      return current(ctx);
    },
  },
};
