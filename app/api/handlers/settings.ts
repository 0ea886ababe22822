import { z } from 'zod';
import {
  REFERRAL_CATEGORIES,
  type PolicyImpact,
  type ReferralPolicy,
  type SiteSettings,
} from '../../../contract/index.ts';
import { SETTING_KEYS } from '../../db/settings-keys.ts';
import { getSetting, referableThresholdInForce, setSetting } from '../../db/settings-repo.ts';
import { AppError } from '../../../domain/errors.ts';
import { operatingPointImpact } from '../../services/operating-point-impact.ts';
import type { AppContext } from '../../services/app-context.ts';
import { compileFileNamePattern } from '../../services/file-pattern.ts';
import { importPatternInForce } from '../../services/import-plan.ts';
import { listPatients } from '../../db/patients-repo.ts';
import { visitOutcomesOf } from '../../services/patient-record.ts';
import { DEFAULT_REFERRAL_POLICY, assertSafePolicy, referralPolicyInForce } from '../../services/referral.ts';
import { clinicDetails, MAX_LOGO_BYTES, saveClinic } from '../../reports/clinic.ts';
import { assertWatchableFolder } from '../../watch/watch-folder.ts';
import { idleLockMinutes } from '../../auth/sessions.ts';
import { localOperatingPoint } from '../../learning/local-operating-point.ts';
import {
  DEFAULT_PROMOTION_MARGIN,
  MAX_PROMOTION_MARGIN,
  MIN_PROMOTION_MARGIN,
  promotionMargin,
} from '../../learning/promotion.ts';
import { ADMINISTRATORS, STAFF, type HandlerGroup } from '../handler.ts';
import { empty } from '../schemas.ts';

function current(ctx: AppContext): SiteSettings {
  return {
    referableThreshold: getSetting<number>(ctx.db, SETTING_KEYS.referableThreshold),
    modelReferableThreshold: ctx.grading.referableThreshold,
    referralPolicy: referralPolicyInForce(ctx.db),
    defaultReferralPolicy: DEFAULT_REFERRAL_POLICY,
    importPattern: importPatternInForce(ctx.db),
    clinic: clinicDetails(ctx),
    watchFolder: getSetting<string>(ctx.db, SETTING_KEYS.watchFolder),
    idleLockMinutes: idleLockMinutes(ctx.db),
    secondReading: getSetting<{ samplePercent: number }>(ctx.db, SETTING_KEYS.secondReading),
    promotionMargin: {
      value: promotionMargin(ctx.db),
      default: DEFAULT_PROMOTION_MARGIN,
      min: MIN_PROMOTION_MARGIN,
      max: MAX_PROMOTION_MARGIN,
    },
    localOperatingPoint: localOperatingPoint(ctx.grading.modelDir),
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

/**
 * What saving `next` would change: provisional visits whose rule differs (decided visits keep the policy they
 * were decided under, so they are only counted).
 */
function policyImpact(ctx: AppContext, next: ReferralPolicy): PolicyImpact {
  const patients = listPatients(ctx.db);
  const details = visitOutcomesOf(
    ctx.db,
    patients.map((p) => p.id),
  );
  const impact: PolicyImpact = { changed: [], decidedKept: 0 };
  for (const patient of patients)
    for (const visit of details.get(patient.id) ?? []) {
      const { outcome } = visit;
      if (outcome.decidingEye === null) continue;
      if (outcome.policy === 'decided') {
        impact.decidedKept++;
        continue;
      }
      const after = next[outcome.category === 'missing' ? 'ungradable' : outcome.category];
      if (after.action !== outcome.rule.action || after.months !== outcome.rule.months)
        impact.changed.push({
          patient: { id: patient.id, clinicId: patient.clinicId, name: patient.name },
          visitId: visit.id,
          visitDate: visit.date,
          before: outcome.rule,
          after,
        });
    }
  return impact;
}

export const settingsHandlers: HandlerGroup<'settings'> = {
  'settings:get': {
    roles: STAFF,
    audit: 'none',
    contract: 'Reads site settings; no patient data.',
    input: empty,
    run: (ctx) => current(ctx),
  },
  'settings:update': {
    roles: ADMINISTRATORS,
    audit: 'change',
    contract:
      "Changes the site's operating point or promotion margin (each with the reason), referral policy, import file-name pattern, clinic details or watch folder (an existing folder, never read by this call); applies to new work.",
    input: z
      .object({
        referableThreshold: z.number().min(0).max(1).nullable().optional(),
        referralPolicy: policy.nullable().optional(),
        importPattern: z.string().trim().min(1).max(200).nullable().optional(),
        clinic: z
          .object({
            name: z.string().max(200),
            address: z.string().max(1000),
            paperSize: z.enum(['A4', 'Letter']),
            logo: z
              .instanceof(Uint8Array, { message: 'The logo must be the file content.' })
              .refine(
                (b) => b.byteLength <= MAX_LOGO_BYTES,
                `The logo is larger than ${MAX_LOGO_BYTES >> 20} MB.`,
              )
              .nullable()
              .optional(),
          })
          .strict()
          .optional(),
        watchFolder: z.string().trim().min(1).max(1000).nullable().optional(),
        idleLockMinutes: z
          .number()
          .int()
          .min(1, 'Lock after at least 1 minute.')
          .max(240, 'Lock after at most 240 minutes.')
          .optional(),
        promotionMargin: z
          .number()
          .min(
            MIN_PROMOTION_MARGIN,
            `The promotion margin is at least ${MIN_PROMOTION_MARGIN}: no clinic's patients could show a smaller one.`,
          )
          .max(
            MAX_PROMOTION_MARGIN,
            `The promotion margin is at most ${MAX_PROMOTION_MARGIN}: a wider one would let a measurably worse model grade.`,
          )
          .nullable()
          .optional(),
        secondReading: z
          .object({
            samplePercent: z
              .number()
              .min(0, 'The sample of normal readings is 0–100%.')
              .max(100, 'The sample of normal readings is 0–100%.'),
          })
          .strict()
          .nullable()
          .optional(),
        reason: z.string().trim().max(500).optional(),
      })
      .strict(),
    before: (ctx) => current(ctx),
    async run(ctx, input) {
      // The operating point and the promotion margin change decisions: each change says why, for the audit log.
      const decisive = (['referableThreshold', 'promotionMargin', 'secondReading'] as const).filter(
        (k) =>
          input[k] !== undefined &&
          JSON.stringify(input[k]) !== JSON.stringify(getSetting(ctx.db, SETTING_KEYS[k])),
      );
      if (decisive.length && (input.reason ?? '').length < 10)
        throw new AppError(
          'INVALID_INPUT',
          `Say why the ${decisive.map((k) => ({ referableThreshold: 'operating point', promotionMargin: 'promotion margin', secondReading: 'second reading' })[k]).join(' and ')} changes (at least 10 characters): it changes decisions, and the reason is kept in the audit log.`,
        );
      // Compiling refuses a pattern that could never match, before anything is saved.
      if (input.importPattern) compileFileNamePattern(input.importPattern);
      if (input.referralPolicy) assertSafePolicy(input.referralPolicy);
      if (input.watchFolder) await assertWatchableFolder(input.watchFolder, ctx.dataDir);
      if (input.clinic) await saveClinic(ctx, input.clinic);
      ctx.db.transaction(() => {
        if (input.referableThreshold !== undefined)
          setSetting(ctx.db, SETTING_KEYS.referableThreshold, input.referableThreshold);
        if (input.referralPolicy !== undefined)
          setSetting(ctx.db, SETTING_KEYS.referralPolicy, input.referralPolicy);
        if (input.importPattern !== undefined)
          setSetting(ctx.db, SETTING_KEYS.importPattern, input.importPattern);
        if (input.watchFolder !== undefined) setSetting(ctx.db, SETTING_KEYS.watchFolder, input.watchFolder);
        if (input.secondReading !== undefined)
          setSetting(ctx.db, SETTING_KEYS.secondReading, input.secondReading);
        if (input.promotionMargin !== undefined)
          setSetting(ctx.db, SETTING_KEYS.promotionMargin, input.promotionMargin);
        if (input.idleLockMinutes !== undefined)
          setSetting(ctx.db, SETTING_KEYS.idleLockMinutes, input.idleLockMinutes);
      })();
      if (input.watchFolder !== undefined) ctx.watcher?.follow(input.watchFolder);
      return current(ctx);
    },
  },
  'settings:policyImpact': {
    roles: ADMINISTRATORS,
    audit: 'none',
    contract:
      'Reads which provisional visits a referral policy would change, before it is saved; changes nothing.',
    input: z.object({ referralPolicy: policy.nullable() }).strict(),
    run(ctx, input) {
      const next = input.referralPolicy ?? DEFAULT_REFERRAL_POLICY;
      assertSafePolicy(next);
      return policyImpact(ctx, next);
    },
  },
  'settings:operatingPointImpact': {
    roles: ADMINISTRATORS,
    audit: 'none',
    contract:
      "Reads the sensitivity and specificity an operating point gives on the grading model's evaluation sets, before it is saved; no patient data.",
    input: z.object({ threshold: z.number().min(0).max(1).nullable() }).strict(),
    run(ctx, input) {
      const model = ctx.grading.model;
      const current = referableThresholdInForce(ctx.db, ctx.grading.referableThreshold);
      return operatingPointImpact(
        model ? ctx.grading.modelDir : null,
        model ? `${model.name} ${model.version}` : 'no model',
        input.threshold ?? ctx.grading.referableThreshold ?? 0.5,
        current,
      );
    },
  },
};
