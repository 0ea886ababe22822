// The context every handler is given, as a type of its own: the services it names import it without importing the
// factory that builds it (app-context.ts), which imports them — no import circle.
import type { AuditCheck } from '../audit/audit-check.ts';
import type { BackupService } from '../backup/backup-service.ts';
import type { Database } from '../db/database.ts';
import type { FineTuneJobs } from '../learning/fine-tune-job.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { WatchFolderService } from '../watch/watch-folder-service.ts';
import type { GradingService } from './grading-service.ts';
import type { ImageStore } from './image-store.ts';

/** Everything a handler may use. Built once per process by the entry point (Electron main or `serve`). */
export interface AppContext {
  readonly db: Database;
  readonly store: ImageStore;
  readonly grading: GradingService;
  readonly dataDir: string;
  readonly appVersion: string;
  /** Who is signed in on which window (in memory: a restart signs everyone out). */
  readonly sessions: Sessions;
  /**
   * Why the database takes no changes, when it failed its integrity check at start (a sentence saying what to
   * do); null when all is well.
   */
  readonly readOnly: string | null;
  /**
   * The model shipped with the app (resources/models/<name>): the default, and where bundled models and their
   * figures are found. A model promoted on this workstation grades instead (model-registry.ts).
   */
  readonly modelDir: string;
  /** The camera-export folder watcher, when this process runs one (Electron main and `serve`). */
  readonly watcher?: WatchFolderService;
  /**
   * Where the desktop app keeps its choice of a clinic server (Electron's user data folder); absent where there
   * is no such choice to make (`serve`, whose pages a browser opens directly).
   */
  readonly clinicServerChoiceDir?: string;
  /** Opens a file with the system's viewer (Electron only). */
  readonly openFile?: (file: string) => Promise<void>;
  /** The background fine-tune (one at a time). */
  readonly jobs?: FineTuneJobs;
  /** Backups on demand and daily. */
  readonly backups?: BackupService;
  /** The audit log's check at start and daily. */
  readonly auditCheck?: AuditCheck;
}
