import type { ApiInput, ApiOutput, Channel, Envelope, EyenetApi } from '$contract/index.ts';
import { decodeWire, encodeWire } from '$contract/wire.ts';

const TOKEN_KEY = 'eyenet.token';
const CLIENT_KEY = 'eyenet.client';

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

/**
 * This tab's name for the server: random, kept for the tab's life (a reload keeps its sign-in, another tab
 * signs in on its own). It is not a secret the page could use to become someone: the server keeps who is signed
 * in on it.
 */
export function clientId(storage: Storage): string {
  let id = storage.getItem(CLIENT_KEY);
  if (!id) {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    storage.setItem(CLIENT_KEY, id);
  }
  return id;
}

/** `window.eyenet` over loopback HTTP, for `npm run serve`. Same contract as the Electron preload. */
export function createHttpApi(
  token: string | null,
  fetchImpl: typeof fetch = fetch,
  client: string = '',
): EyenetApi {
  return {
    async invoke<C extends Channel>(channel: C, input: ApiInput<C>): Promise<Envelope<ApiOutput<C>>> {
      let response: Response;
      try {
        response = await fetchImpl(`./api/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-eyenet-token': token ?? '',
            'x-eyenet-client': client,
          },
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
