import type { ApiInput, ApiOutput, Channel, Envelope, EyenetApi } from '$contract/index.ts';
import { decodeWire, encodeWire } from '$contract/wire.ts';

const TOKEN_KEY = 'eyenet.token';

/**
 * The token arrives once in the URL fragment (`#token=…`, never sent to the server or logged), is kept for
 * this tab only, and is removed from the address bar.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY);
}

/** `window.eyenet` over loopback HTTP, for `npm run serve`. Same contract as the Electron preload. */
export function createHttpApi(token: string | null, fetchImpl: typeof fetch = fetch): EyenetApi {
  return {
    async invoke<C extends Channel>(channel: C, input: ApiInput<C>): Promise<Envelope<ApiOutput<C>>> {
      let response: Response;
      try {
        response = await fetchImpl(`./api/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-eyenet-token': token ?? '' },
          body: encodeWire(input),
        });
      } catch {
        return {
          ok: false,
          error: { code: 'INTERNAL', message: 'EyeNet is not reachable. Is the server running?' },
        };
      }
      try {
        return decodeWire(await response.text()) as Envelope<ApiOutput<C>>;
      } catch {
        return {
          ok: false,
          error: { code: 'INTERNAL', message: `Unexpected answer from EyeNet (${response.status}).` },
        };
      }
    },
  };
}
