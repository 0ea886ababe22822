import type { Database } from '../db/database.ts';
import { verifyAuditChain } from './audit-log.ts';

const DAY_MS = 24 * 3_600_000;

/**
 * The audit log checked at start and once a day while EyeNet runs (chain and anchor, audit-log.ts): `problem` is
 * the sentence administrators see, null while it holds.
 */
export class AuditCheck {
  problem: string | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly db: Database) {
    this.run();
    this.timer = setInterval(() => this.run(), DAY_MS);
    this.timer.unref();
  }

  run(): string | null {
    try {
      const result = verifyAuditChain(this.db);
      this.problem = result.ok
        ? null
        : `entry ${result.broken!.id}: ${result.broken!.reason}. History was changed outside EyeNet: restore ` +
          'the database from a backup and find out who had access to it.';
    } catch (error) {
      this.problem = `the log could not be checked (${error instanceof Error ? error.message : String(error)}).`;
    }
    if (this.problem) console.error(`AUDIT LOG BROKEN at ${this.problem}`);
    return this.problem;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
