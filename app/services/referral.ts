import type {
  Eye,
  EyeOutcome,
  NextStep,
  ReferralAction,
  ReferralCategory,
  ReferralPolicy,
  ReferableFlag,
  Visit,
  VisitOutcome,
} from '../../contract/index.ts';
import { dueDate } from '../../contract/referral-text.ts';
import { AppError } from '../../domain/errors.ts';
import { isReferable } from '../../domain/referable.ts';
import type { Database } from '../db/database.ts';
import type { OutcomeImage } from '../db/images-repo.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting } from '../db/settings-repo.ts';

/**
 * ICDR / AAO screening practice: no DR or mild NPDR → rescreen in 12 months; moderate → refer within
 * 3 months; severe or proliferative → refer urgently; ungradable → re-image, and refer when the eye stays
 * ungradable after re-imaging. A site may change this in settings.
 */
export const DEFAULT_REFERRAL_POLICY: ReferralPolicy = {
  '0': { action: 'rescreen', months: 12 },
  '1': { action: 'rescreen', months: 12 },
  '2': { action: 'refer', months: 3 },
  '3': { action: 'refer_urgent', months: null },
  '4': { action: 'refer_urgent', months: null },
  ungradable: { action: 'reimage', months: null },
  ungradable_again: { action: 'refer', months: 3 },
  // Diabetic maculopathy refers by itself (the UK programme's M1; IDx-DR's "more than mild"), as moderate NPDR does.
  maculopathy: { action: 'refer', months: 3 },
};

export function referralPolicyInForce(db: Database): ReferralPolicy {
  return {
    ...DEFAULT_REFERRAL_POLICY,
    ...getSetting<Partial<ReferralPolicy>>(db, SETTING_KEYS.referralPolicy),
  };
}

/** Worse first: grades 4, 3, 2, then an eye that cannot be judged, then mild and none. */
const SEVERITY: Record<EyeOutcome['category'], number> = {
  '4': 7,
  '3': 6,
  '2': 5,
  maculopathy: 5,
  ungradable_again: 4,
  ungradable: 3,
  missing: 3,
  '1': 1,
  '0': 0,
};

interface Judged {
  grade: number | null;
  /** What decides the referral: the grade, or 2 for a flagged eye. */
  severity: number | null;
  source: 'clinician' | 'model';
  flag: ReferableFlag | null;
  /** The clinician's reading is complete (no second reading or arbitration outstanding). */
  complete: boolean;
  maculopathy: EyeOutcome['maculopathy'];
}

/**
 * A photograph's maculopathy: the clinician's M1 when they recorded M0 or M1, else the model's flag (its head
 * assessed the photograph and the probability reached the head's point).
 */
function maculopathyOf(image: OutcomeImage): EyeOutcome['maculopathy'] {
  const said = image.review?.clinicianMaculopathy;
  if (said !== undefined && said !== null) return said ? { source: 'clinician', probability: null } : null;
  const m = image.result?.maculopathy;
  return m?.status === 'assessed' && m.flagged ? { source: 'model', probability: m.probability } : null;
}

/** Whether a photograph's reading is complete: the lists say so directly, a full photograph by its readings. */
function readingComplete(image: OutcomeImage & { reading?: { state: string } | null }): boolean {
  if (image.readingComplete !== undefined) return image.readingComplete;
  return !image.reading || image.reading.state === 'complete';
}

/** One photograph's grade for the referral decision: the clinician's when reviewed, else the model's. */
function judge(image: OutcomeImage): Judged | null {
  const { result, review } = image;
  if (!result) return null;
  const maculopathy = maculopathyOf(image);
  if (review)
    return {
      grade: review.clinicianGrade,
      severity: review.clinicianGrade,
      source: 'clinician',
      flag: null,
      complete: readingComplete(image),
      maculopathy: review.clinicianGrade === null ? null : maculopathy,
    };
  if (result.grade === null)
    return { grade: null, severity: null, source: 'model', flag: null, complete: false, maculopathy: null };
  // The operating point decides referable; an argmax grade of 0–1 must not undo a referable flag. The eye is
  // referred as grade 2 would be, and keeps the grade the model gave.
  if (isReferable(result) && result.grade < 2)
    return {
      grade: result.grade,
      severity: 2,
      source: 'model',
      flag: { probability: result.referableProbability!, threshold: result.referableThreshold! },
      complete: false,
      maculopathy,
    };
  return {
    grade: result.grade,
    severity: result.grade,
    source: 'model',
    flag: null,
    complete: false,
    maculopathy,
  };
}

export function eyeOutcome(eye: Eye, images: readonly OutcomeImage[]): EyeOutcome {
  const judged = images
    .filter((image) => image.eye === eye)
    .map(judge)
    .filter((j): j is Judged => j !== null);
  // Reviewed: every photograph read by a clinician, with any second reading or arbitration it needs done.
  const reviewed = judged.length > 0 && judged.every((j) => j.source === 'clinician' && j.complete);
  const base = { eye, grade: null, raisedByReferableFlag: false, flag: null, reviewed, maculopathy: null };
  if (judged.length === 0) return { ...base, category: 'missing', source: null };
  const graded = judged.filter((j): j is Judged & { grade: number; severity: number } => j.severity !== null);
  if (graded.length === 0) {
    // Every photograph of the eye is ungradable: a second one means re-imaging did not help.
    const category = judged.length > 1 ? 'ungradable_again' : 'ungradable';
    return { ...base, category, source: judged[0]!.source };
  }
  // Several gradable photographs of one eye: the worst one decides.
  const worst = graded.reduce((a, b) => (b.severity > a.severity ? b : a));
  return {
    ...base,
    category: String(worst.severity) as ReferralCategory,
    grade: worst.grade,
    source: worst.source,
    raisedByReferableFlag: worst.flag !== null,
    flag: worst.flag,
    // Any gradable photograph of the eye showing it; a clinician's M1 before a model's flag.
    maculopathy:
      graded.map((j) => j.maculopathy).find((m) => m?.source === 'clinician') ??
      graded.map((j) => j.maculopathy).find((m) => m !== null) ??
      null,
  };
}

const URGENCY: Record<ReferralAction, number> = { refer_urgent: 3, refer: 2, reimage: 1, rescreen: 0 };

/** An eye with maculopathy takes the policy's maculopathy rule when that asks for more than its grade's. */
function withMaculopathy(outcome: EyeOutcome, policy: ReferralPolicy): EyeOutcome {
  if (!outcome.maculopathy || outcome.category === 'missing') return outcome;
  const own = policy[outcome.category];
  return URGENCY[policy.maculopathy.action] > URGENCY[own.action]
    ? { ...outcome, category: 'maculopathy' }
    : outcome;
}

/**
 * The policy a final visit was decided under: the one stored with its latest review. Null for reviews older
 * than stored policies (there are none after migration 4, which filled them in).
 */
function decidedPolicy(images: readonly OutcomeImage[]): ReferralPolicy | null {
  let latest: { at: string; policy: ReferralPolicy } | null = null;
  for (const { review } of images)
    if (review?.referralPolicy && (!latest || review.reviewedAt > latest.at))
      latest = { at: review.reviewedAt, policy: review.referralPolicy };
  return latest ? { ...DEFAULT_REFERRAL_POLICY, ...latest.policy } : null;
}

/**
 * The visit's referral and recall: the worse eye decides. A final visit (both eyes reviewed) keeps the policy
 * it was decided under; a provisional one follows the policy in force.
 */
export function visitOutcome(images: readonly OutcomeImage[], policyInForce: ReferralPolicy): VisitOutcome {
  const graded = { OD: eyeOutcome('OD', images), OS: eyeOutcome('OS', images) };
  const final = graded.OD.reviewed && graded.OS.reviewed;
  const decided = final ? decidedPolicy(images) : null;
  const policy = decided ?? policyInForce;
  const eyes = { OD: withMaculopathy(graded.OD, policy), OS: withMaculopathy(graded.OS, policy) };
  const worse = SEVERITY[eyes.OS.category] > SEVERITY[eyes.OD.category] ? eyes.OS : eyes.OD;
  const noPhotos = eyes.OD.category === 'missing' && eyes.OS.category === 'missing';
  const category = worse.category;
  const ruleOf = (c: EyeOutcome['category']) => policy[c === 'missing' ? 'ungradable' : c];
  const rule = ruleOf(category);
  // The other eye is not forgotten: a re-imaging it needs is said beside the deciding eye's referral.
  const other = worse.eye === 'OD' ? eyes.OS : eyes.OD;
  const otherRule = ruleOf(other.category);
  const alsoNeeded =
    !noPhotos && otherRule.action === 'reimage' && rule.action !== 'reimage'
      ? { eye: other.eye, rule: otherRule }
      : null;
  return {
    eyes,
    decidingEye: noPhotos ? null : worse.eye,
    category,
    rule,
    alsoNeeded,
    final,
    policy: decided ? 'decided' : 'current',
  };
}

/**
 * A patient's next step: the most urgent open decision of their visits. Visits without a photograph never count
 * (an empty or failed visit hides nothing). Newest first, every visit's decision stays open until a later final
 * visit with a gradable decision supersedes it; the most urgent open one wins, the newest on a tie.
 */
export function nextStep(visits: readonly (Visit & { outcome: VisitOutcome })[]): NextStep | null {
  const newestFirst = [...visits].sort((a, b) => b.date.localeCompare(a.date) || b.id - a.id);
  let best: NextStep | null = null;
  for (const visit of newestFirst) {
    const { outcome } = visit;
    if (outcome.decidingEye === null) continue;
    if (!best || URGENCY[outcome.rule.action] > URGENCY[best.rule.action])
      best = {
        visitId: visit.id,
        visitDate: visit.date,
        rule: outcome.rule,
        final: outcome.final,
        dueDate: dueDate(visit.date, outcome.rule),
      };
    const superseding = outcome.final && outcome.category !== 'ungradable' && outcome.category !== 'missing';
    if (superseding) break;
  }
  return best;
}

/**
 * Severe NPDR and PDR threaten sight within months: a policy that would send them anywhere but to an
 * ophthalmologist is refused, whatever a site types.
 */
export function assertSafePolicy(policy: ReferralPolicy): void {
  for (const category of ['3', '4'] as const) {
    const { action } = policy[category];
    if (action !== 'refer' && action !== 'refer_urgent')
      throw new AppError(
        'INVALID_INPUT',
        `${category === '3' ? 'Severe NPDR' : 'Proliferative DR'} must be referred to an ophthalmologist ` +
          '(urgently, or within a number of months). EyeNet does not allow a rescreen or re-image for it.',
      );
  }
}
