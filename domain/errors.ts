/** Every error code that crosses a boundary (API envelope, CLI line): one list. */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** Someone else saved the same record since you opened it: look again before saving. */
  | 'STALE'
  /** The request needs the user's explicit confirmation first (e.g. an eye that contradicts the file name). */
  | 'NEEDS_CONFIRMATION'
  | 'UNKNOWN_CHANNEL'
  /** Nobody is signed in on this window (or the sign-in ended). */
  | 'UNAUTHORIZED'
  /** The window locked itself after the site's idle time: sign in again to go on where you were. */
  | 'LOCKED'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'IMAGE_UNREADABLE'
  | 'IMAGE_TOO_LARGE'
  | 'MODEL_UNAVAILABLE'
  | 'DB_TOO_NEW'
  /** The database file is not an EyeNet database or is damaged beyond opening: restore it from a backup. */
  | 'DB_DAMAGED'
  /** The disk is full: nothing was half-written; free space and try again. */
  | 'STORAGE_FULL'
  /** The database failed its integrity check at start: records can be read, not changed, until it is restored. */
  | 'READ_ONLY'
  /** Another EyeNet (or a restore) has this data folder open: one process per data folder. */
  | 'DATA_FOLDER_BUSY'
  /** A PACS or other server EyeNet talks to is down, refused the credentials or did not answer: the sentence says which. */
  | 'REMOTE_UNAVAILABLE'
  | 'INTERNAL';

/** An error meant for the user (clinic staff): its code and message cross the process boundary as they are. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** What to tell a person about anything thrown: an error's own message, else the thing itself as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
