import type { ReviewQueueItem } from '$contract/index.ts';
import { ApiFailure, call, messageOf } from '../lib/api.ts';
import type { StateDeps } from './deps.ts';

/**
 * A result must have been on screen this long before a key can accept or save it: a key pressed while the queue
 * moves on (typing into a field that just closed, a held key) must never decide a result nobody saw.
 */
export const SETTLE_MS = 400;

/** What a key did: the page moves focus to the reason field on `focus-reason`. */
export type KeyOutcome = 'ignored' | 'handled' | 'focus-reason';

export interface KeyContext {
  /** Focus is in a text field, select or text area: keys are typing, never shortcuts. */
  inField: boolean;
  /** Focus is on a button: Enter is that button's click. */
  onButton: boolean;
  /** The key is held down (auto-repeat). */
  repeat: boolean;
  modifier: boolean;
}

/** The clinician review queue: unreviewed results, referable first, one at a time. */
export class ReviewState {
  items = $state<ReviewQueueItem[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  /** Index into items of the result on screen. */
  index = $state(0);
  /** The clinician's grade being set (null: ungradable); undefined while nothing is chosen. */
  grade = $state<number | null | undefined>(undefined);
  reason = $state('');
  /** The clinician's maculopathy reading (true M1, false M0); undefined while they leave it as the model says. */
  maculopathyChoice = $state<boolean | undefined>(undefined);
  saving = $state(false);
  /** When the result now on screen appeared (clock of `now`). */
  private shownAt = 0;

  readonly current = $derived(this.items[this.index] ?? null);
  readonly modelGrade = $derived(this.current?.image.result?.grade ?? null);
  /** The model found the photograph ungradable: there is no grade to accept, only to confirm or replace. */
  readonly modelUngradable = $derived(this.current?.image.result?.quality.gradable === false);
  /** Not a fundus photograph at all: it can only be confirmed as ungradable. */
  readonly notFundus = $derived(this.current?.image.result?.quality.reasons.includes('not_fundus') ?? false);
  readonly isOverride = $derived(this.grade !== undefined && this.grade !== this.modelGrade);
  /** The model flagged this eye as referable (its probability reached the operating point in force then). */
  readonly flagged = $derived.by(() => {
    const r = this.current?.image.result;
    return (
      !!r &&
      r.referableProbability !== null &&
      r.referableThreshold !== null &&
      r.referableProbability >= r.referableThreshold
    );
  });
  /** Clearing the flag (a grade below 2 for a flagged eye) is as deliberate as an override: it needs a reason. */
  readonly clearsFlag = $derived(
    this.flagged && this.grade !== undefined && this.grade !== null && this.grade < 2,
  );
  /** The model's maculopathy result for the photograph on screen (absent: its model has no maculopathy head). */
  readonly modelMaculopathy = $derived(this.current?.image.result?.maculopathy);
  /** What is saved with the grade: the clinician's choice, else the model's flag where it assessed the eye. */
  readonly maculopathy = $derived.by((): boolean | null => {
    if (this.grade === null) return null;
    if (this.maculopathyChoice !== undefined) return this.maculopathyChoice;
    const m = this.modelMaculopathy;
    return m?.status === 'assessed' ? m.flagged : null;
  });
  /** Recording M0 where the model flagged maculopathy needs a reason, as clearing a referable flag does. */
  readonly clearsMaculopathyFlag = $derived(
    this.modelMaculopathy?.status === 'assessed' &&
      this.modelMaculopathy.flagged &&
      this.maculopathy === false,
  );
  readonly needsReason = $derived(this.isOverride || this.clearsFlag || this.clearsMaculopathyFlag);

  constructor(
    private readonly deps: StateDeps,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async load(): Promise<void> {
    try {
      const before = this.current?.image.result?.id;
      this.items = await call('reviews:queue', {});
      this.error = null;
      if (this.index >= this.items.length) this.index = 0;
      if (this.current?.image.result?.id !== before) this.shownAt = this.now();
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  setGrade(grade: number | null): void {
    if (grade !== null && this.notFundus) {
      this.error = 'This is not a fundus photograph: it cannot be given a grade. Confirm it as ungradable.';
      return;
    }
    this.grade = grade;
  }

  setMaculopathy(value: boolean): void {
    this.maculopathyChoice = value;
  }

  /** Skip to the next result without deciding; it stays in the queue. */
  next(): void {
    if (this.items.length === 0) return;
    this.select((this.index + 1) % this.items.length);
  }

  select(index: number): void {
    this.index = index;
    this.shownAt = this.now();
    this.clearDecision();
  }

  /**
   * Accept the model's grade, or confirm the model's "ungradable". For an eye the model flagged as referable with a
   * grade below 2, accepting clears the flag: the grade is chosen and a reason asked for instead (true).
   */
  accept(): Promise<boolean> {
    if (this.flagged && this.modelGrade !== null && this.modelGrade < 2 && !this.reason.trim()) {
      this.setGrade(this.modelGrade);
      this.error =
        'The model flagged this eye as referable: give a reason to clear the flag with this grade, then press Enter.';
      return Promise.resolve(true);
    }
    return this.submit(this.modelGrade).then(() => false);
  }

  /** Saves the chosen grade: an accept when it equals the model's, else an override that needs a reason. */
  save(): Promise<void> {
    if (this.grade === undefined) {
      this.error = 'Choose a grade first (keys 0–4), or accept the model’s grade (a).';
      return Promise.resolve();
    }
    return this.submit(this.grade);
  }

  /**
   * The review shortcuts. Never while typing in a field, never on a held key, never while saving, and a key that
   * decides (a, Enter) only once the result has been on screen for SETTLE_MS. `a` while another grade is chosen
   * does not throw the choice away for the model's grade: it says so.
   */
  handleKey(key: string, context: KeyContext): KeyOutcome {
    if (context.inField || context.modifier || !this.current) return 'ignored';
    if (key === 'Enter' && context.onButton) return 'ignored';
    const decides = key === 'a' || key === 'Enter';
    if (!/^[0-4uan]$/.test(key) && key !== 'Enter') return 'ignored';
    // Swallowed, not passed on: a held key, or one pressed while saving, does nothing at all.
    if (context.repeat || this.saving) return 'handled';
    if (decides && this.now() - this.shownAt < SETTLE_MS) return 'handled';
    if (/^[0-4]$/.test(key)) {
      this.setGrade(Number(key));
      return this.needsReason ? 'focus-reason' : 'handled';
    }
    if (key === 'u') {
      this.setGrade(null);
      return this.needsReason ? 'focus-reason' : 'handled';
    }
    if (key === 'a') {
      if (this.grade !== undefined && this.grade !== this.modelGrade) {
        this.error = 'You chose another grade: press Enter to save it with a reason, or choose again.';
        return 'handled';
      }
      // Accepting a grade below 2 for a flagged eye clears the flag: not on one key.
      if (this.flagged && this.modelGrade !== null && this.modelGrade < 2 && !this.reason.trim()) {
        void this.accept();
        return 'focus-reason';
      }
      void this.accept();
      return 'handled';
    }
    if (key === 'n') {
      this.next();
      return 'handled';
    }
    if (key === 'Enter' && this.grade !== undefined) {
      void this.save();
      return 'handled';
    }
    return 'ignored';
  }

  private async submit(grade: number | null): Promise<void> {
    const item = this.current;
    const result = item?.image.result;
    if (!item || !result || this.saving) return;
    if (grade !== this.modelGrade && !this.reason.trim()) {
      this.error = 'Give a reason for overriding the model’s grade.';
      return;
    }
    if (this.flagged && grade !== null && grade < 2 && !this.reason.trim()) {
      this.error = 'The model flagged this eye as referable: give a reason to clear the flag.';
      return;
    }
    const maculopathy = grade === null ? null : this.maculopathy;
    if (this.clearsMaculopathyFlag && grade !== null && !this.reason.trim()) {
      this.error = 'The model flagged maculopathy in this eye: give a reason to record M0.';
      return;
    }
    this.saving = true;
    try {
      const reason = this.reason.trim();
      await call('reviews:submit', {
        resultId: result.id,
        grade,
        ...(maculopathy !== null ? { maculopathy } : {}),
        // The queue holds results nobody has reviewed: a review by someone else meanwhile is refused (STALE).
        seenReviewId: null,
        ...(reason ? { reason } : {}),
      });
      this.clearDecision();
      this.error = null;
      // The reviewed result leaves the queue; the one that took its place is shown next.
      await this.load();
      this.deps.onResultsChanged();
    } catch (error) {
      this.error = messageOf(error);
      // Someone else reviewed it first: their review is on the record; the queue moves on without it.
      if (error instanceof ApiFailure && error.code === 'STALE') await this.load();
    } finally {
      this.saving = false;
    }
  }

  private clearDecision(): void {
    this.grade = undefined;
    this.reason = '';
    this.maculopathyChoice = undefined;
  }
}
