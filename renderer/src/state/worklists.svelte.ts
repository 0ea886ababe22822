import type { Worklists } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

export type WorklistName = 'visits' | 'unreviewed' | 'referrals' | 'overdue';

/** The clinic's worklists, filtered by visit date and a search, each with its count. */
export class WorklistsState {
  lists = $state.raw<Worklists | null>(null);
  tab = $state<WorklistName>('visits');
  from = $state('');
  to = $state('');
  query = $state('');
  error = $state<string | null>(null);
  private requestId = 0;

  readonly counts = $derived({
    visits: this.lists?.visits.length ?? 0,
    unreviewed: this.lists?.unreviewed.length ?? 0,
    referrals: this.lists?.referrals.length ?? 0,
    overdue: this.lists?.overdue.length ?? 0,
  });

  /** A slow answer to an older filter never overwrites a newer one. */
  async load(): Promise<void> {
    const id = ++this.requestId;
    try {
      const lists = await call('worklists:get', {
        ...(this.from ? { from: this.from } : {}),
        ...(this.to ? { to: this.to } : {}),
        ...(this.query.trim() ? { query: this.query.trim() } : {}),
      });
      if (id !== this.requestId) return;
      this.lists = lists;
      this.error = null;
    } catch (e) {
      if (id === this.requestId) this.error = messageOf(e);
    }
  }
}
