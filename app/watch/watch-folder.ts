import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { WatchAssign, WatchState, WatchStatus } from '../../contract/index.ts';
import { assertSiteFolder } from '../services/site-folder.ts';
import { AppError } from '../../domain/errors.ts';
import { MAX_IMAGE_BYTES } from '../../contract/index.ts';
import { createVisit } from '../db/visits-repo.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting } from '../db/settings-repo.ts';
import {
  getWatchFile,
  listWatchFiles,
  recordWatchFile,
  seenWatchFile,
  updateWatchFile,
  type WatchOutcome,
} from '../db/watch-repo.ts';
import type { AppContext } from '../services/app-context-type.ts';
import type { WatchFolderService } from './watch-folder-service.ts';

export type { WatchFolderService };
import { sha256Hex } from '../services/image-store.ts';
import { importDicom } from '../services/import-dicom.ts';
import { importImage } from '../services/import-image.ts';
import { hasDicomMarker } from '../../domain/dicom-marker.ts';
import { isWatchedName, placeWatchedFile } from './place-file.ts';

/** Refuses, in a sentence, a watch folder that is not an existing folder given by its full path. */
export async function assertWatchableFolder(folder: string, dataDir: string): Promise<void> {
  if (!path.isAbsolute(folder))
    throw new AppError(
      'INVALID_INPUT',
      `Give the watch folder's full path (for example /media/camera/export), not “${folder}”.`,
    );
  const info = await stat(folder).catch(() => null);
  if (!info) throw new AppError('INVALID_INPUT', `The folder “${folder}” does not exist.`);
  if (!info.isDirectory()) throw new AppError('INVALID_INPUT', `“${folder}” is a file, not a folder.`);
  assertSiteFolder(folder, dataDir, 'watch folder');
}

export interface WatchFolderOptions {
  /** How long a file's size must stay the same before it is read: cameras write large files slowly. */
  stableMs?: number;
  /** How often a missing folder (an unplugged drive) is looked for again. */
  presenceMs?: number;
  /** Polling instead of native events: for network shares, and for tests that must not depend on inotify. */
  usePolling?: boolean;
}

/**
 * Watches the camera-export folder set in Settings. A new photograph or DICOM file is imported once its size
 * has been stable for a moment; files are handled one at a time, each recorded by its SHA-256 so nothing is
 * imported twice, across restarts too. A folder that disappears is reported and picked up again when it returns.
 * Files are only read, never moved or deleted: the camera's export stays as the camera wrote it.
 */
export class WatchFolder implements WatchFolderService {
  private folder: string | null = null;
  private watcher: FSWatcher | null = null;
  private state: WatchState = 'off';
  private message = '';
  private presence: NodeJS.Timeout | null = null;
  private queue: string[] = [];
  private queued = new Set<string>();
  private draining: Promise<void> | null = null;
  private readonly stableMs: number;
  private readonly presenceMs: number;
  private readonly usePolling: boolean;

  constructor(
    private readonly ctx: AppContext,
    options: WatchFolderOptions = {},
  ) {
    this.stableMs = options.stableMs ?? 1500;
    this.presenceMs = options.presenceMs ?? 2000;
    this.usePolling = options.usePolling ?? false;
  }

  /** Starts watching the folder saved in settings, if any. */
  start(): void {
    this.follow(getSetting<string>(this.ctx.db, SETTING_KEYS.watchFolder));
  }

  follow(folder: string | null): void {
    void this.stopWatcher();
    if (this.presence) clearInterval(this.presence);
    this.presence = null;
    this.folder = folder;
    this.queue = [];
    this.queued.clear();
    if (!folder) {
      this.state = 'off';
      this.message = 'No watch folder is set.';
      return;
    }
    this.state = 'missing';
    this.message = `Looking for ${folder}…`;
    void this.checkPresence();
    this.presence = setInterval(() => void this.checkPresence(), this.presenceMs);
    this.presence.unref();
  }

  /** Notices the folder going (an unplugged drive) and coming back, and (re)starts the watcher then. */
  private async checkPresence(): Promise<void> {
    const folder = this.folder;
    if (!folder) return;
    const there = (await stat(folder).catch(() => null))?.isDirectory() ?? false;
    if (folder !== this.folder) return;
    if (there && this.state !== 'watching') {
      this.state = 'watching';
      this.message = `Watching since ${new Date().toISOString()}.`;
      this.startWatcher(folder);
    } else if (!there && this.state !== 'missing') {
      this.state = 'missing';
      this.message = `The folder ${folder} is not there (an unplugged drive or a disconnected share?). It is picked up again when it comes back.`;
      await this.stopWatcher();
    } else if (!there) {
      this.message = `The folder ${folder} is not there (an unplugged drive or a disconnected share?). It is picked up again when it comes back.`;
    }
  }

  private startWatcher(folder: string): void {
    const watcher = watch(folder, {
      // Files already there when watching starts count too: nothing is imported twice (their digest is kept).
      ignoreInitial: false,
      depth: 4,
      usePolling: this.usePolling,
      interval: 200,
      awaitWriteFinish: { stabilityThreshold: this.stableMs, pollInterval: Math.min(250, this.stableMs) },
      ignored: (file, stats) => Boolean(stats?.isFile()) && !isWatchedName(file),
    });
    watcher.on('add', (file) => this.enqueue(file));
    watcher.on('change', (file) => this.enqueue(file));
    // A watcher error (a share gone away) is the folder going missing: the presence check takes it from here.
    watcher.on('error', () => void this.checkPresence());
    this.watcher = watcher;
  }

  private async stopWatcher(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
  }

  private enqueue(file: string): void {
    if (!isWatchedName(file) || this.queued.has(file)) return;
    this.queued.add(file);
    this.queue.push(file);
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  /** One file at a time: grading is one photograph at a time anyway, and the log stays in order. */
  private async drain(): Promise<void> {
    for (let file = this.queue.shift(); file !== undefined; file = this.queue.shift()) {
      try {
        await this.handle(file);
      } catch {
        // A file that vanished or cannot be read now is tried again when it changes; nothing is recorded.
      } finally {
        this.queued.delete(file);
      }
    }
  }

  private async handle(file: string): Promise<void> {
    const info = await stat(file);
    if (!info.isFile() || info.size === 0) return;
    const folder = this.folder;
    const name = folder ? path.relative(folder, file) : path.basename(file);
    if (info.size > MAX_IMAGE_BYTES) {
      const bytes = new TextEncoder().encode(`${file}:${info.size}:${info.mtimeMs}`);
      if (seenWatchFile(this.ctx.db, sha256Hex(bytes))) return;
      recordWatchFile(
        this.ctx.db,
        { sha256: sha256Hex(bytes), path: file, size: info.size },
        {
          status: 'failed',
          message: `The file is larger than ${MAX_IMAGE_BYTES >> 20} MB.`,
          imageIds: [],
        },
      );
      return;
    }
    const bytes = new Uint8Array(await readFile(file));
    const sha256 = sha256Hex(bytes);
    if (seenWatchFile(this.ctx.db, sha256)) return;
    const outcome = await placeWatchedFile(this.ctx, name, bytes);
    recordWatchFile(this.ctx.db, { sha256, path: file, size: bytes.byteLength }, outcome);
  }

  /** Resolves once every file found so far has been handled (for tests and a clean shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  status(): WatchStatus {
    return {
      folder: this.folder,
      state: this.state,
      message: this.message,
      pending: this.queue.length + (this.draining ? 1 : 0),
      unmatched: listWatchFiles(this.ctx.db, this.folder, 'unmatched'),
      recent: listWatchFiles(this.ctx.db, this.folder, 'recent', 30),
    };
  }

  async assign(input: WatchAssign): Promise<WatchStatus> {
    const record = getWatchFile(this.ctx.db, input.fileId, this.folder);
    if (record.status !== 'unmatched')
      throw new AppError('CONFLICT', `${record.name} is not waiting to be placed (it is ${record.status}).`);
    const bytes = new Uint8Array(
      await readFile(record.path).catch(() => {
        throw new AppError('NOT_FOUND', `${record.name} is no longer in the watch folder.`);
      }),
    );
    if (sha256Hex(bytes) !== record.sha256)
      throw new AppError(
        'CONFLICT',
        `${record.name} changed since it was seen; it is imported again as a new file.`,
      );
    const name = path.basename(record.path);
    let outcome: WatchOutcome;
    if (hasDicomMarker(bytes)) {
      // Into the header's patient and date, or where staff say (a header without a date or an eye).
      const visitId =
        input.patientId && input.date
          ? createVisit(this.ctx.db, { patientId: input.patientId, date: input.date }).id
          : undefined;
      const out = await importDicom(this.ctx, {
        fileName: name,
        bytes,
        registerPatient: input.registerPatient ?? false,
        ...(visitId ? { visitId } : {}),
        ...(input.eye ? { eye: input.eye, confirmEye: true } : {}),
      });
      outcome = {
        status: 'assigned',
        message: `Imported into ${out.patient.name} (${out.patient.clinicId})${out.registered ? ', registered from the DICOM header' : ''}.`,
        imageIds: out.images.map((i) => i.image.id),
      };
    } else {
      if (!input.patientId || !input.eye || !input.date)
        throw new AppError(
          'INVALID_INPUT',
          'Choose the patient, the eye and the visit date for this photograph.',
        );
      const out = await importImage(this.ctx, {
        visit: { patientId: input.patientId, date: input.date },
        eye: input.eye,
        // Staff chose the eye knowing the name; a name that says the other eye was shown to them.
        confirmEye: true,
        fileName: name,
        bytes,
      });
      outcome = {
        status: 'assigned',
        message: `Imported by hand as ${input.eye}.`,
        imageIds: [out.image.id],
      };
    }
    updateWatchFile(this.ctx.db, record.id, outcome);
    return this.status();
  }

  dismiss(fileId: number): WatchStatus {
    const record = getWatchFile(this.ctx.db, fileId, this.folder);
    if (record.status !== 'unmatched')
      throw new AppError('CONFLICT', `${record.name} is not waiting to be placed.`);
    updateWatchFile(this.ctx.db, record.id, {
      status: 'dismissed',
      message: 'Left out by staff.',
      imageIds: [],
    });
    return this.status();
  }

  async close(): Promise<void> {
    this.folder = null;
    if (this.presence) clearInterval(this.presence);
    await this.stopWatcher();
    await this.idle();
  }
}
