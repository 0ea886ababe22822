import type { WatchAssign, WatchStatus } from '../../contract/index.ts';

/** The camera-export folder watcher as the rest of the app sees it (the implementation: watch-folder.ts). */
export interface WatchFolderService {
  /** Watch this folder from now on (null: stop watching). */
  follow(folder: string | null): void;
  status(): WatchStatus;
  assign(input: WatchAssign): Promise<WatchStatus>;
  dismiss(fileId: number): WatchStatus;
  close(): Promise<void>;
}
