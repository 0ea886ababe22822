import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../contract/wire.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { CONTENT_SECURITY_POLICY } from '../security.ts';
import { tempDir } from '../test-helpers.ts';
import { MAX_IMAGE_BYTES } from '../../contract/index.ts';
import {
  CLIENT_HEADER,
  LARGE_REQUESTS_AT_ONCE,
  TOKEN_HEADER,
  createApiServer,
  listenOnLoopback,
} from './server.ts';

const TOKEN = 'test-token-123';
const calls: { channel: unknown; input: unknown; clientId: string | null }[] = [];
/** Large requests being handled now, and the most at once. */
let inFlight = 0;
let peakInFlight = 0;
const dispatch: Dispatch = async (channel, input, origin) => {
  calls.push({ channel, input, clientId: origin?.clientId ?? null });
  if (channel === 'slow:large') {
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    await new Promise((r) => setTimeout(r, 40));
    inFlight--;
  }
  return { ok: true, value: { echoed: channel === 'slow:large' ? null : input } };
};

let server: Server;
let port: number;
const tmp = tempDir();

beforeAll(async () => {
  mkdirSync(path.join(tmp.dir, 'static', 'assets'), { recursive: true });
  writeFileSync(path.join(tmp.dir, 'static', 'index.html'), '<!doctype html><title>EyeNet</title>');
  writeFileSync(path.join(tmp.dir, 'static', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(tmp.dir, 'secret.txt'), 'do not serve');
  server = createApiServer({ dispatch, token: TOKEN, staticDir: path.join(tmp.dir, 'static') });
  port = await listenOnLoopback(server, 0);
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  tmp.remove();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  method: string,
  pathname: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path: pathname, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const api = (channel: string, input: unknown, headers: Record<string, string> = {}) =>
  send('POST', `/api/${channel}`, {
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: TOKEN, ...headers },
    body: encodeWire(input),
  });

describe('loopback API server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('dispatches a call with the token, bytes included', async () => {
    const answer = await api('patients:list', { query: 'a', bytes: new Uint8Array([1, 2, 3]) });
    expect(answer.status).toBe(200);
    expect(decodeWire(answer.body)).toEqual({
      ok: true,
      value: { echoed: { query: 'a', bytes: new Uint8Array([1, 2, 3]) } },
    });
    expect(calls.at(-1)?.channel).toBe('patients:list');
  });

  it('refuses calls without the token or with a wrong one', async () => {
    const before = calls.length;
    for (const token of ['', 'wrong', `${TOKEN}x`]) {
      const answer = await api('patients:list', {}, { [TOKEN_HEADER]: token });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect(calls.length).toBe(before);
  });

  it('refuses another Host (DNS rebinding) and cross-site origins', async () => {
    expect((await api('patients:list', {}, { host: `evil.example:${port}` })).status).toBe(403);
    expect((await api('patients:list', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('patients:list', {}, { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it('accepts only POST with JSON on the API', async () => {
    expect((await send('GET', '/api/patients:list', { headers: { [TOKEN_HEADER]: TOKEN } })).status).toBe(
      405,
    );
    const form = await send('POST', '/api/patients:list', {
      headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const broken = await send('POST', '/api/patients:list', {
      headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(JSON.parse(broken.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('serves the renderer with the Content-Security-Policy, and nothing outside it', async () => {
    const index = await send('GET', '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers['content-type']).toContain('text/html');
    expect((await send('GET', '/assets/app.js')).headers['content-type']).toContain('javascript');
    for (const probe of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/%00',
    ]) {
      const answer = await send('GET', probe);
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain('do not serve');
    }
  });

  it('names the window by its client header, and ignores a malformed one', async () => {
    await api('patients:list', {}, { [CLIENT_HEADER]: 'tab-0123456789abcdef' });
    expect(calls.at(-1)?.clientId).toBe('http:tab-0123456789abcdef');
    await api('patients:list', {}, { [CLIENT_HEADER]: 'short' });
    expect(calls.at(-1)?.clientId).toBeNull();
    await api('patients:list', {});
    expect(calls.at(-1)?.clientId).toBeNull();
  });

  it('answers a malformed % escape in the channel with 400, not a server error', async () => {
    const answer = await api('patients%E0%A4%A', {});
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('says an upload is too large (reading it to the end, so the browser sees the answer)', async () => {
    const huge = 'x'.repeat(Math.ceil(MAX_IMAGE_BYTES * 1.4));
    const answer = await send('POST', '/api/images:import', {
      headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' },
      body: huge,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/too large.*64 MB/) },
    });
  });

  it('handles only a few large requests at once, however many arrive', async () => {
    peakInFlight = 0;
    const photo = new Uint8Array(2 * 1024 * 1024).fill(7);
    const answers = await Promise.all(Array.from({ length: 6 }, () => api('slow:large', { bytes: photo })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(peakInFlight).toBe(LARGE_REQUESTS_AT_ONCE);
  });
});
