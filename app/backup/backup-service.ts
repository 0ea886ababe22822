import { mkdirSync } from 'node:fs';
import type { BackupStatus } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { assertSiteFolder } from '../services/site-folder.ts';
import type { Database } from '../db/database.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting, setSetting } from '../db/settings-repo.ts';
import { createBackup, listBackups } from './backup.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How many of the newest backups the status lists. */
const SHOWN_BACKUPS = 7;
/** How often the daily schedule looks whether a backup is due. */
const CHECK_MS = 60 * 60 * 1000;

export const RESTORE_COMMAND = 'npm run restore -- --backup <snapshot folder> --data-dir <data folder>';

/**
 * Backups on demand and daily, one at a time, in the background (SQLite's online backup lets grading and
 * reviewing go on meanwhile). The schedule looks at start and every hour: a backup is due when the newest in
 * the folder is a day old.
 */
export class BackupService {
  private running: Promise<void> | null = null;
  private lastError: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly source: { db: Database; dataDir: string; appVersion: string },
    private readonly now: () => Date = () => new Date(),
  ) {}

  folder(): string | null {
    return getSetting<string>(this.source.db, SETTING_KEYS.backupFolder);
  }

  async status(): Promise<BackupStatus> {
    const folder = this.folder();
    return {
      folder,
      backups: folder ? await listBackups(folder, SHOWN_BACKUPS) : [],
      running: this.running !== null,
      lastError: this.lastError,
      restoreCommand: RESTORE_COMMAND,
    };
  }

  setFolder(folder: string | null): void {
    if (folder !== null) {
      assertSiteFolder(
        folder,
        this.source.dataDir,
        'backup folder',
        'Better on another disk: a backup on the same disk is lost with it.',
      );
      try {
        mkdirSync(folder, { recursive: true, mode: 0o700 });
      } catch {
        throw new AppError('INVALID_INPUT', `EyeNet cannot create or write the folder ${folder}.`);
      }
    }
    setSetting(this.source.db, SETTING_KEYS.backupFolder, folder);
  }

  /** Starts a backup unless one is running; resolves when it is done (errors are kept for the status). */
  run(): Promise<void> {
    const folder = this.folder();
    if (!folder) throw new AppError('INVALID_INPUT', 'Choose a backup folder first.');
    this.running ??= createBackup(this.source, folder, this.now())
      .then(
        () => {
          this.lastError = null;
        },
        (error: unknown) => {
          this.lastError = `The backup of ${this.now().toISOString().slice(0, 16).replace('T', ' ')} failed: ${
            error instanceof Error ? error.message : String(error)
          }`;
        },
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** Runs a backup when the newest is a day old (or there is none). */
  async runIfDue(): Promise<void> {
    const folder = this.folder();
    if (!folder || this.running) return;
    const [newest] = await listBackups(folder, 1);
    if (!newest || this.now().getTime() - Date.parse(newest.createdAt) >= DAY_MS) await this.run();
  }

  startDaily(): void {
    void this.runIfDue();
    this.timer = setInterval(() => void this.runIfDue(), CHECK_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
