// A client of `npm run serve`'s API for benches and probes: the token from the printed URL, a client id of its
// own, and an administrator created on the first call (a fresh data folder has no users yet).
import { randomBytes } from 'node:crypto';
import { decodeWire, encodeWire } from '../../contract/wire.ts';
import type { Envelope } from '../../contract/index.ts';

export const BENCH_USER = {
  username: 'bench',
  displayName: 'Bench Administrator',
  password: 'bench-password-1',
};

export type ApiCall = (channel: string, input: unknown) => Promise<unknown>;

export async function signedInClient(serveUrl: string): Promise<ApiCall> {
  const url = new URL(serveUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  const client = randomBytes(16).toString('hex');
  const raw = async (channel: string, input: unknown): Promise<Envelope<unknown>> => {
    const response = await fetch(new URL(`/api/${channel}`, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-eyenet-token': token, 'x-eyenet-client': client },
      body: encodeWire(input),
    });
    return decodeWire(await response.text()) as Envelope<unknown>;
  };
  const setup = await raw('auth:setup', BENCH_USER);
  if (!setup.ok && setup.error.code !== 'UNKNOWN_CHANNEL') {
    const login = await raw('auth:login', { username: BENCH_USER.username, password: BENCH_USER.password });
    if (!login.ok) throw new Error(login.error.message);
  }
  return async (channel, input) => {
    const envelope = await raw(channel, input);
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`);
    return envelope.value;
  };
}
