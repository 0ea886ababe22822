import { getContext, setContext } from 'svelte';
import type { SignedInUser } from '$contract/index.ts';

// Who is signed in, for the forms that record a person (the operator of a visit, of a batch): set once by the
// app shell, read where needed, so it is never threaded through every page's props.
const KEY = Symbol('signed-in');

export function provideSignedIn(get: () => SignedInUser | null): void {
  setContext(KEY, get);
}

/** The signed-in person's name as records show it; '' outside the app shell (tests mount forms alone). */
export function signedInName(): string {
  const get = getContext<(() => SignedInUser | null) | undefined>(KEY);
  return get?.()?.displayName ?? '';
}

/** The signed-in person's role; null outside the app shell. */
export function signedInRole(): SignedInUser['role'] | null {
  const get = getContext<(() => SignedInUser | null) | undefined>(KEY);
  return get?.()?.role ?? null;
}
