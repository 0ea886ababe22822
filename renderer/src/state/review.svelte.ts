import type { ReviewQueueItem } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';
import type { StateDeps } from './deps.ts';

const REVIEWER_KEY = 'eyenet.reviewer';

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
  saving = $state(false);
  reviewer = $state(readReviewer());

  readonly current = $derived(this.items[this.index] ?? null);

  constructor(private readonly deps: StateDeps) {}
  readonly modelGrade = $derived(this.current?.image.result?.grade ?? null);
  readonly isOverride = $derived(this.grade !== undefined && this.grade !== this.modelGrade);

  async load(): Promise<void> {
    try {
      this.items = await call('reviews:queue', {});
      this.error = null;
      if (this.index >= this.items.length) this.index = 0;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  setGrade(grade: number | null): void {
    this.grade = grade;
  }

  /** Skip to the next result without deciding; it stays in the queue. */
  next(): void {
    if (this.items.length === 0) return;
    this.index = (this.index + 1) % this.items.length;
    this.clearDecision();
  }

  select(index: number): void {
    this.index = index;
    this.clearDecision();
  }

  accept(): Promise<void> {
    return this.submit(this.modelGrade);
  }

  /** Saves the chosen grade: an accept when it equals the model's, else an override that needs a reason. */
  save(): Promise<void> {
    if (this.grade === undefined) {
      this.error = 'Choose a grade first (keys 0–4), or accept the model’s grade (a).';
      return Promise.resolve();
    }
    return this.submit(this.grade);
  }

  private async submit(grade: number | null): Promise<void> {
    const item = this.current;
    const result = item?.image.result;
    if (!item || !result || this.saving) return;
    if (!this.reviewer.trim()) {
      this.error = 'Enter your name as reviewer first.';
      return;
    }
    if (grade !== this.modelGrade && !this.reason.trim()) {
      this.error = 'Give a reason for overriding the model’s grade.';
      return;
    }
    this.saving = true;
    try {
      const reason = this.reason.trim();
      await call('reviews:submit', {
        resultId: result.id,
        grade,
        reviewer: this.reviewer.trim(),
        ...(reason ? { reason } : {}),
      });
      writeReviewer(this.reviewer.trim());
      this.clearDecision();
      this.error = null;
      // The reviewed result leaves the queue; the one that took its place is shown next.
      await this.load();
      this.deps.onResultsChanged();
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.saving = false;
    }
  }

  private clearDecision(): void {
    this.grade = undefined;
    this.reason = '';
  }
}

function readReviewer(): string {
  try {
    return localStorage.getItem(REVIEWER_KEY) ?? '';
  } catch {
    return '';
  }
}

function writeReviewer(name: string): void {
  try {
    localStorage.setItem(REVIEWER_KEY, name);
  } catch {
    // Remembering the name is a convenience only.
  }
}
