import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.ts';

/** Refuses, in a sentence, a watch folder that is not an existing folder given by its full path. */
export async function assertWatchableFolder(folder: string): Promise<void> {
  if (!path.isAbsolute(folder))
    throw new AppError(
      'INVALID_INPUT',
      `Give the watch folder's full path (for example /media/camera/export), not “${folder}”.`,
    );
  const info = await stat(folder).catch(() => null);
  if (!info) throw new AppError('INVALID_INPUT', `The folder “${folder}” does not exist.`);
  if (!info.isDirectory()) throw new AppError('INVALID_INPUT', `“${folder}” is a file, not a folder.`);
}

export interface WatchFolderService {
  /** Watch this folder from now on (null: stop watching). */
  follow(folder: string | null): void;
}
