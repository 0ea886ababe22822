import type { Database } from 'better-sqlite3';

/** One schema step. Each lives in its own numbered file and runs once, inside the upgrade's transaction. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
