import { AppError } from '../../domain/errors.ts';

/**
 * A storage failure as a user can act on it: a full disk (the file system's ENOSPC, SQLite's SQLITE_FULL) or a
 * read-only one, instead of "Something went wrong". Anything else stays as it was.
 */
export function storageFailure(error: unknown): AppError | null {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL')
    return new AppError(
      'STORAGE_FULL',
      'The disk holding EyeNet’s data is full: nothing was saved. Free some space on it, then try again.',
    );
  if (code === 'EROFS' || code === 'SQLITE_READONLY')
    return new AppError(
      'READ_ONLY',
      'EyeNet’s data folder cannot be written (a read-only disk?): nothing was saved. Ask your IT support.',
    );
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_IOERR'))
    return new AppError(
      'DB_DAMAGED',
      'The database could not be read or written (damaged, or the disk failed). Nothing was saved: close ' +
        'EyeNet and restore the last backup, or ask your IT support.',
    );
  return null;
}
