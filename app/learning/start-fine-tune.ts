import path from 'node:path';
import type { FineTuneJob, SignedInUser } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting } from '../db/settings-repo.ts';
import type { AppContext } from '../services/app-context.ts';
import { localModelsDir, modelsOverview } from './model-registry.ts';
import { promotionMargin } from './promotion.ts';
import { readinessGaps } from './readiness.ts';
import { validatedSet } from './validated-set.ts';

/**
 * The gate's verdict on a new candidate, with its figures, intervals, margin and counts, in the audit log: the
 * decision is on record whether or not anyone later tries to promote it.
 */
export function auditGateDecision(ctx: AppContext, candidateId: string, by: SignedInUser): void {
  if (ctx.readOnly) return;
  const places = { ...ctx, bundledModelDir: ctx.modelDir };
  const version = modelsOverview(ctx.db, places).versions.find(
    (v) => v.source === 'local' && v.id === candidateId,
  );
  appendAudit(ctx.db, {
    userId: by.id,
    username: by.username,
    role: by.role,
    action: 'learning:gate',
    kind: 'change',
    patientId: null,
    request: { candidate: candidateId },
    after: { verdict: version?.verdict ?? null, localValidation: version?.localValidation ?? null },
  });
}

/**
 * Starts a fine-tune of the grading model on the validated set, in the background: refused, with what is
 * missing, until the set is ready. The candidate is named after the model it starts from and a running number.
 */
export function startFineTune(ctx: AppContext, by: SignedInUser): FineTuneJob {
  if (!ctx.jobs) throw new AppError('INVALID_INPUT', 'This process runs no fine-tunes.');
  const set = validatedSet(ctx.db);
  const delta = promotionMargin(ctx.db);
  const gaps = readinessGaps(set.photographs, delta);
  if (gaps.length)
    throw new AppError(
      'INVALID_INPUT',
      `The validated set is not ready for a fine-tune. Still needed: ${gaps.map((g) => `${g.what.toLowerCase()} (${g.have} of ${g.needed})`).join('; ')}.`,
    );
  const model = ctx.grading.model;
  if (!model) throw new AppError('MODEL_UNAVAILABLE', 'No model is grading: there is nothing to fine-tune.');
  const places = { bundledModelDir: ctx.modelDir, dataDir: ctx.dataDir };
  const n = modelsOverview(ctx.db, places).versions.filter((v) => v.source === 'local').length + 1;
  const version = `${model.version.replace(/-local\.\d+$/, '')}-local.${n}`;
  return ctx.jobs.start(
    {
      photographs: set.photographs.map((p) => ({
        key: p.sha256,
        patient: p.clinicId,
        grade: p.grade,
        maculopathy: p.maculopathy,
        file: ctx.store.pathFor(p.sha256),
      })),
      options: {
        initModelDir: ctx.grading.modelDir,
        outDir: path.join(localModelsDir(ctx.dataDir), `${model.name}-${version}`),
        version,
        operatingPoint: getSetting<number>(ctx.db, SETTING_KEYS.referableThreshold),
      },
    },
    by.displayName,
    (candidateId) => auditGateDecision(ctx, candidateId, by),
  );
}
