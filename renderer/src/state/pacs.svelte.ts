import type { OutboxItem, PacsServer, PacsServerInput, PullResult } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

/** The PACS servers set up, a pull's outcome, and results on their way back (settings, import page, visit card). */
export class PacsState {
  servers = $state.raw<PacsServer[]>([]);
  outbox = $state.raw<OutboxItem[]>([]);
  lastPull = $state.raw<PullResult | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  busy = $state(false);

  async load(): Promise<void> {
    await this.act(async () => {
      this.servers = await call('pacs:servers', {});
    });
  }

  async loadOutbox(): Promise<void> {
    await this.act(async () => {
      this.outbox = await call('pacs:outbox', {});
    });
  }

  save(input: PacsServerInput): Promise<boolean> {
    return this.act(async () => {
      const saved = await call('pacs:saveServer', input);
      this.servers = await call('pacs:servers', {});
      this.notice = `Saved ${saved.name}.`;
    });
  }

  remove(id: number): Promise<boolean> {
    return this.act(async () => {
      this.servers = await call('pacs:removeServer', { id });
      this.notice = 'Removed.';
    });
  }

  pull(serverId: number, since: string | null): Promise<boolean> {
    return this.act(async () => {
      this.lastPull = await call('pacs:pull', { serverId, ...(since ? { since } : {}) });
      const imported = this.lastPull.studies.filter((s) => s.state === 'imported').length;
      this.notice =
        `${this.lastPull.listed} ${this.lastPull.listed === 1 ? 'study' : 'studies'} on the PACS; ` +
        `${imported} imported now, ${this.lastPull.alreadyPulled} pulled before.`;
    });
  }

  push(serverId: number, visitId: number): Promise<boolean> {
    return this.act(async () => {
      const item = await call('pacs:push', { serverId, visitId });
      this.notice =
        item.state === 'sent'
          ? `Sent to ${item.serverName}.`
          : `Not sent yet (${item.lastError ?? 'waiting'}); EyeNet tries again by itself.`;
    });
  }

  private async act(run: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      await run();
      return true;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
