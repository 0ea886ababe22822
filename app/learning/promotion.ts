import type { ModelVersion, PairedComparison, PromotionVerdict } from '../../contract/index.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting } from '../db/settings-repo.ts';
import type { Database } from '../db/database.ts';

/** The margin δ: how much worse the candidate's lower 95% bound may be, in AUC and in sensitivity. */
export const DEFAULT_PROMOTION_MARGIN = 0.02;
/**
 * A site may make the gate stricter, down to MIN (below it no clinic's set could ever show it), or laxer only up
 * to MAX: beyond that a candidate measurably worse than the model grading now could pass.
 */
export const MIN_PROMOTION_MARGIN = 0.01;
export const MAX_PROMOTION_MARGIN = 0.05;

/**
 * How widely candidate − base in referable AUC spreads from one sample of patients to another, per referable
 * patient: the standard error of the paired difference is about this over √(referable patients). Measured with
 * `npm run train -- --init-model resources/models/eyenet-mnv2-dr-v2` on srahim-dev (0.087, 24 held-out referable
 * patients) and on the 472 camera-look EyePACS photographs (0.039, 19), the larger rounded up (the gate tests in
 * promotion-gate.test.ts run both). `npm run train` prints every fine-tune's own figure beside it.
 */
export const PAIRED_SPREAD = 0.09;
const Z95 = 1.959964;

/** The site's margin: its setting within the allowed range, else the default. */
export function promotionMargin(db: Database): number {
  const set = getSetting<number>(db, SETTING_KEYS.promotionMargin);
  return typeof set === 'number' && set >= MIN_PROMOTION_MARGIN && set <= MAX_PROMOTION_MARGIN
    ? set
    : DEFAULT_PROMOTION_MARGIN;
}

/**
 * Held-out referable patients needed before the bound can be reached: with fewer, the 95% interval of the
 * difference is wider than the margin on each side, so even a candidate exactly as good as the model grading now
 * would be refused more often than not — a fine-tune that could never be judged.
 */
export function referablePatientsNeeded(delta: number): number {
  return Math.ceil(((Z95 * PAIRED_SPREAD) / delta) ** 2);
}

/** The spread a fine-tune's own bootstrap showed, in PAIRED_SPREAD's units (printed by `npm run train`). */
export function observedSpread(comparison: PairedComparison, referablePatients: number): number {
  return ((comparison.auc.high - comparison.auc.low) / (2 * Z95)) * Math.sqrt(referablePatients);
}

export function promotionRule(delta: number): string {
  return (
    "A candidate replaces the model grading now only on evidence that it is not worse on this clinic's own " +
    'patients, held out of its training: on the same patients, the difference candidate − current is measured by ' +
    `resampling patients, and the worst end of its 95% interval must stay within ${delta.toFixed(3)} — in the ` +
    'AUC for referable DR and in the sensitivity at the site’s operating point. With too few held-out patients ' +
    'with referable DR that interval is too wide for any candidate to pass, so a fine-tune waits for them. Where the ' +
    "model ships a reference set (features of public camera photographs), the candidate's AUC there must stay " +
    'within the same margin too; one that is better here but worse there needs an administrator to promote it ' +
    'anyway, with the reason, kept in the audit log.'
  );
}

const f3 = (v: number) => v.toFixed(3);
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;
const points = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} points`;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const interval = (d: { low: number; high: number }, f: (v: number) => string) =>
  `95% interval ${f(d.low)} to ${f(d.high)}`;

type LocalValidation = NonNullable<ModelVersion['localValidation']>;

/**
 * The promotion gate: non-inferiority by a paired patient bootstrap on the clinic's held-out patients, with
 * enough of them to tell, then the same check on the model's reference set.
 */
export function promotionVerdict(local: LocalValidation, delta: number): PromotionVerdict {
  const { base, candidate, comparison } = local;
  const needed = referablePatientsNeeded(delta);
  const reasons: string[] = [];
  const evidence: string[] = [
    `Held out of training: ${candidate.photographs} photographs of ${candidate.patients} patients, ` +
      `${candidate.referablePatients} with referable DR (${needed} needed for a margin of ${f3(delta)}).`,
  ];
  if (!comparison) {
    reasons.push(
      'It was judged before candidates were compared patient by patient; fine-tune again to have it judged.',
    );
  } else {
    evidence.push(
      `Referable-DR AUC: current ${f3(base.referableAuc)}, candidate ${f3(candidate.referableAuc)}; ` +
        `difference ${signed(comparison.auc.estimate)} (${interval(comparison.auc, signed)}).`,
      `Sensitivity at the operating point (${pct(comparison.threshold)}): current ${pct(base.sensitivity)}, ` +
        `candidate ${pct(candidate.sensitivity)}; difference ${points(comparison.sensitivity.estimate)} ` +
        `(${interval(comparison.sensitivity, points)}).`,
    );
    if (candidate.referablePatients < needed)
      reasons.push(
        `Too little evidence: ${candidate.referablePatients} held-out patient${candidate.referablePatients === 1 ? ' has' : 's have'} ` +
          `referable DR, and ${needed} are needed before a margin of ${f3(delta)} can be shown.`,
      );
    if (!(comparison.auc.low > -delta))
      reasons.push(
        `Its referable-DR AUC could be up to ${f3(-comparison.auc.low)} lower than the current model's on these ` +
          `patients (the margin is ${f3(delta)}).`,
      );
    if (!(comparison.sensitivity.low > -delta))
      reasons.push(
        `Its sensitivity at the operating point could be up to ${(-comparison.sensitivity.low * 100).toFixed(1)} ` +
          `points lower (the margin is ${(delta * 100).toFixed(1)} points).`,
      );
  }
  const ref = local.referenceComparison;
  let worseElsewhere = false;
  if (ref && local.reference) {
    evidence.push(
      `Reference set (${ref.source}; ${local.reference.base.photographs} photographs, ` +
        `${local.reference.base.referablePatients} patients with referable DR` +
        `${ref.excludedTrainedOn ? `, ${ref.excludedTrainedOn} left out as trained on` : ''}): AUC current ` +
        `${f3(local.reference.base.referableAuc)}, candidate ${f3(local.reference.candidate.referableAuc)}; ` +
        `difference ${signed(ref.auc.estimate)} (${interval(ref.auc, signed)}).`,
    );
    worseElsewhere = !(ref.auc.low > -delta);
  } else evidence.push('The model ships no reference set: only this clinic’s patients judge the candidate.');
  const decision = reasons.length ? 'refuse' : worseElsewhere ? 'override' : 'promote';
  if (decision === 'override')
    reasons.push(
      `Better here, worse elsewhere: on the reference set its AUC could be up to ${f3(-ref!.auc.low)} lower ` +
        `than the current model's (the margin is ${f3(delta)}). Only an administrator can promote it, saying why.`,
    );
  const why =
    reasons[0] ??
    `not worse than the current model within ${f3(delta)} on ${candidate.referablePatients} held-out referable patients` +
      (ref ? ' nor on the reference set' : '');
  return {
    decision,
    allowed: decision === 'promote',
    rule: promotionRule(delta),
    delta,
    reasons,
    evidence,
    line: `gate: ${decision} — ${why}`,
  };
}
