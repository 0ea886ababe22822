import type { ApiInput, ApiOutput, Channel, ErrorCode, EyenetApi } from '$contract/index.ts';
import { createHttpApi, takeToken } from './http-api.ts';

/** A failed call, carrying the envelope's code and its message for the user. */
export class ApiFailure extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function connect(): EyenetApi {
  return window.eyenet ?? createHttpApi(takeToken(window.location, window.sessionStorage, window.history));
}

let api: EyenetApi | null = null;

/** Calls the main process; resolves with the value or throws ApiFailure. The UI never sees a transport. */
export async function call<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>> {
  api ??= connect();
  const envelope = await api.invoke(channel, input);
  if (!envelope.ok) throw new ApiFailure(envelope.error.code, envelope.error.message);
  return envelope.value;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
