import type { ReadingQueueItem } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

/** The second-reading and arbitration queues of the signed-in clinician, and their submissions. */
export class ReadingsState {
  second = $state.raw<ReadingQueueItem[]>([]);
  arbitration = $state.raw<ReadingQueueItem[]>([]);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  loaded = $state(false);

  async load(): Promise<void> {
    try {
      [this.second, this.arbitration] = await Promise.all([
        call('reviews:readings', { stage: 'second' }),
        call('reviews:readings', { stage: 'arbitration' }),
      ]);
      this.error = null;
    } catch (e) {
      this.error = messageOf(e);
    }
    this.loaded = true;
  }

  /** Submits a second reading or an arbiter's grade; says why when refused. */
  async submit(
    stage: 'second' | 'arbitration',
    item: ReadingQueueItem,
    grade: number | null,
    reason: string,
  ): Promise<boolean> {
    this.notice = null;
    try {
      await call(stage === 'second' ? 'reviews:secondRead' : 'reviews:arbitrate', {
        resultId: item.resultId,
        grade,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        seenReviewId: item.latestReviewId,
      });
      this.notice = `${stage === 'second' ? 'Second reading' : 'Arbitration'} of ${item.patient.name}'s ${item.fileName} saved.`;
      this.error = null;
      await this.load();
      return true;
    } catch (e) {
      this.error = messageOf(e);
      return false;
    }
  }
}
