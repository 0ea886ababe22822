// What every channel answers: a value, or an error with a code and a message for the user.

import type { ErrorCode } from '../domain/errors.ts';

export type { ErrorCode };

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiError };
