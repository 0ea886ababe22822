import type { Worklists } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

/** How often an open worklist asks whether the record changed (a cheap call: three ids). */
export const WORKLIST_POLL_MS = 3000;

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
  private version: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  readonly counts = $derived({
    visits: this.lists?.visits.length ?? 0,
    unreviewed: this.lists?.unreviewed.length ?? 0,
    referrals: this.lists?.referrals.length ?? 0,
    overdue: this.lists?.overdue.length ?? 0,
  });

  /**
   * Keeps the lists current while the page is open: another workstation's import or review shows without a
   * reload (the record's version token is polled; the lists are read again only when it moved).
   */
  follow(everyMs = WORKLIST_POLL_MS): () => void {
    this.timer ??= setInterval(() => void this.refreshIfChanged(), everyMs);
    return () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    };
  }

  private async refreshIfChanged(): Promise<void> {
    try {
      const { version } = await call('app:changes', {});
      if (version !== this.version) await this.load();
    } catch {
      // The next poll tries again; a load says what is wrong.
    }
  }

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
      this.version = lists.version;
      this.lists = lists;
      this.error = null;
    } catch (e) {
      if (id === this.requestId) this.error = messageOf(e);
    }
  }
}
