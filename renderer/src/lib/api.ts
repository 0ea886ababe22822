import type { ApiInput, ApiOutput, Channel, ErrorCode, EyenetApi } from '$contract/index.ts';
import { clientId, createHttpApi, takeToken } from './http-api.ts';

/** A failed call, carrying the envelope's code and its message for the user. */
export class ApiFailure extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function connect(): EyenetApi {
  return (
    window.eyenet ??
    createHttpApi(
      takeToken(window.location, window.sessionStorage, window.history),
      fetch,
      clientId(window.sessionStorage),
    )
  );
}

const signInListeners = new Set<(code: 'UNAUTHORIZED' | 'LOCKED') => void>();

/** Called whenever a call finds nobody signed in, or the window locked: the app shows the sign-in screen. */
export function onSignInNeeded(listener: (code: 'UNAUTHORIZED' | 'LOCKED') => void): () => void {
  signInListeners.add(listener);
  return () => signInListeners.delete(listener);
}

let api: EyenetApi | null = null;

/** Calls the main process; resolves with the value or throws ApiFailure. The UI never sees a transport. */
export async function call<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>> {
  api ??= connect();
  const envelope = await api.invoke(channel, input);
  if (!envelope.ok) {
    const { code } = envelope.error;
    if (code === 'UNAUTHORIZED' || code === 'LOCKED') for (const listener of signInListeners) listener(code);
    throw new ApiFailure(code, envelope.error.message);
  }
  return envelope.value;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
