import type { AuditEntry, AuditQuery, AuditVerification } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

/** The Audit screen (administrators): who did what and who looked at whom, filtered; and the chain check. */
export class AuditState {
  entries = $state.raw<AuditEntry[]>([]);
  verification = $state.raw<AuditVerification | null>(null);
  filter = $state<AuditQuery>({});
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      const query = Object.fromEntries(
        Object.entries(this.filter).filter(([, v]) => v !== '' && v !== undefined && v !== null),
      ) as AuditQuery;
      this.entries = await call('audit:list', query);
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async verify(): Promise<void> {
    try {
      this.verification = await call('audit:verify', {});
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}
