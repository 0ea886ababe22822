import { describe, expect, it } from 'vitest';
import { createHttpApi, takeToken } from './http-api.ts';

function fakeWindow(hash: string) {
  const store = new Map<string, string>();
  const location = { hash, pathname: '/', search: '' } as Location;
  const replaced: string[] = [];
  return {
    location,
    storage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    } as Storage,
    history: {
      replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url),
    } as unknown as History,
    replaced,
  };
}

describe('HTTP transport', () => {
  it('takes the token from the URL fragment once, then removes it from the address bar', () => {
    const w = fakeWindow('#token=abc123');
    expect(takeToken(w.location, w.storage, w.history)).toBe('abc123');
    expect(w.replaced).toEqual(['/']);
    const reload = { ...w, location: { ...w.location, hash: '' } as Location };
    expect(takeToken(reload.location, w.storage, w.history)).toBe('abc123');
  });

  it('sends the token and channel, and turns network failures into error envelopes', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const ok = createHttpApi('tok', async (url, init) => {
      seen.push({ url: String(url), init: init ?? {} });
      return new Response(JSON.stringify({ ok: true, value: [] }));
    });
    expect(await ok.invoke('patients:list', {})).toEqual({ ok: true, value: [] });
    expect(seen[0]?.url).toBe('./api/patients%3Alist');
    expect((seen[0]?.init.headers as Record<string, string>)['x-eyenet-token']).toBe('tok');

    const down = createHttpApi('tok', () => Promise.reject(new TypeError('fetch failed')));
    expect(await down.invoke('patients:list', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
