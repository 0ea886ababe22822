import type { FineTuneJob, LearningStatus, ModelsOverview } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

/**
 * The Models screen: the clinic's validated set, what a fine-tune still needs, labels worth a second look, and
 * the model versions with promotion (only through the gate) and one-step rollback.
 */
export class LearningState {
  status = $state.raw<LearningStatus | null>(null);
  models = $state.raw<ModelsOverview | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  notice = $state<string | null>(null);
  job = $state.raw<FineTuneJob | null>(null);
  private poll: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly onModelChanged: () => void = () => undefined) {}

  async load(): Promise<void> {
    try {
      [this.status, this.models, this.job] = await Promise.all([
        call('learning:status', {}),
        call('learning:models', {}),
        call('learning:job', {}),
      ]);
      this.error = null;
      if (this.job.state === 'running') this.follow();
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Asks for the job's progress every second while it runs; stops on its own, and when the page goes. */
  private follow(): void {
    if (this.poll) return;
    this.poll = setInterval(() => void this.refreshJob(), 1000);
  }

  stop(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }

  private async refreshJob(): Promise<void> {
    try {
      this.job = await call('learning:job', {});
    } catch (error) {
      this.error = messageOf(error);
      return;
    }
    if (this.job.state === 'running') return;
    this.stop();
    if (this.job.state === 'done') {
      this.notice = `The candidate ${this.job.candidateId} is ready: its figures are in Model versions.`;
      this.models = await call('learning:models', {});
    }
  }

  async fineTune(): Promise<void> {
    this.error = null;
    this.notice = null;
    try {
      this.job = await call('learning:fineTune', {});
      this.follow();
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async cancel(): Promise<void> {
    try {
      this.job = await call('learning:cancel', {});
      this.stop();
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  private async change(
    run: () => Promise<ModelsOverview>,
    done: (o: ModelsOverview) => string,
  ): Promise<void> {
    if (this.busy) return;
    this.error = null;
    this.notice = null;
    this.busy = true;
    try {
      this.models = await run();
      this.notice = done(this.models);
      this.onModelChanged();
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = false;
    }
  }

  promote(id: string): Promise<void> {
    return this.change(
      () => call('learning:promote', { id }),
      (o) => `${active(o)} grades new photographs from now on.`,
    );
  }

  /** An administrator promotes a candidate the gate sent for override (better here, worse elsewhere), saying why. */
  override(id: string, reason: string): Promise<void> {
    return this.change(
      () => call('learning:override', { id, reason }),
      (o) =>
        `Promoted by override: ${active(o)} grades new photographs from now on. The reason is in the audit log.`,
    );
  }

  rollback(): Promise<void> {
    return this.change(
      () => call('learning:rollback', {}),
      (o) => `Rolled back: ${active(o)} grades new photographs from now on.`,
    );
  }
}

function active(o: ModelsOverview): string {
  const v = o.versions.find((m) => m.active);
  return v ? `${v.name} ${v.version}` : 'The shipped model';
}
