/** Every error code that crosses a boundary (API envelope, CLI line): one list. */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** The request needs the user's explicit confirmation first (e.g. an eye that contradicts the file name). */
  | 'NEEDS_CONFIRMATION'
  | 'UNKNOWN_CHANNEL'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'IMAGE_UNREADABLE'
  | 'IMAGE_TOO_LARGE'
  | 'MODEL_UNAVAILABLE'
  | 'DB_TOO_NEW'
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
