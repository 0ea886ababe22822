import type { LearningStatus } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

/** The Models screen: the clinic's validated set, what a fine-tune still needs, and labels worth a second look. */
export class LearningState {
  status = $state.raw<LearningStatus | null>(null);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      this.status = await call('learning:status', {});
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}
