import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { decodeWire, encodeWire } from '../../contract/wire.ts';
import type { Envelope } from '../../contract/index.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { MAX_IMAGE_BYTES } from '../../contract/index.ts';
import { CONTENT_SECURITY_POLICY } from '../security.ts';
import { WorkLimiter } from '../services/work-limiter.ts';
import { readStaticFile } from './static-files.ts';
import { isLoopback, workstationOf } from '../clinic-server/network-address.ts';

export const TOKEN_HEADER = 'x-eyenet-token';
/**
 * Names the browser tab: a random id it keeps for its session, so a sign-in belongs to the tab that made it
 * (the token only proves the caller is a page this server handed out).
 */
export const CLIENT_HEADER = 'x-eyenet-client';
const CLIENT_ID = /^[\w-]{16,128}$/;
/** Base64 grows the largest accepted photograph by a third; leave room for the JSON around it. */
const MAX_BODY_BYTES = Math.ceil(MAX_IMAGE_BYTES * 1.34) + 64 * 1024;
/** A request over this size is a photograph (or several): only a few of those are read and handled at once. */
export const LARGE_REQUEST_BYTES = 1024 * 1024;
/** Large requests handled at once; the rest wait unread, so TCP holds them back instead of memory. */
export const LARGE_REQUESTS_AT_ONCE = 2;

export interface ApiServerOptions {
  dispatch: Dispatch;
  token: string;
  /** The built renderer (dist/renderer); null serves the API only. */
  staticDir: string | null;
  /** Bounds the large requests handled at once (a default of LARGE_REQUESTS_AT_ONCE; tests pass their own). */
  largeRequests?: WorkLimiter;
  /**
   * HTTPS with this certificate and key: the clinic server, which workstations reach over the network. Without
   * it the server is for this computer only (listen() refuses any other address).
   */
  tls?: { cert: string; key: string };
}

const BASE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': contentType });
  res.end(body);
}

function sendEnvelope(res: ServerResponse, status: number, envelope: Envelope<unknown>): void {
  send(res, status, 'application/json; charset=utf-8', encodeWire(envelope));
}

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Over HTTPS, pages of the address the workstation used, and no others (a cross-site page has another Origin;
 * DNS rebinding cannot happen, since the certificate does not name the attacker's domain).
 */
function sameTlsOrigin(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `https://${host}`;
}

/** Only our own loopback origin: refuses DNS-rebinding (wrong Host) and cross-site pages (wrong Origin). */
function sameLoopbackOrigin(req: IncomingMessage, port: number): boolean {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!req.headers.host || !allowedHosts.includes(req.headers.host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || allowedHosts.some((h) => origin === `http://${h}`);
}

/**
 * The body as text, or null when it is over the limit. An oversized body is still read to its end (and thrown
 * away): answering while the browser is still sending makes it drop the connection, and the page would then say
 * the server is not running instead of that the file is too large.
 */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    else chunks.length = 0;
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8');
}

function channelOf(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname.slice('/api/'.length));
  } catch {
    return null; // a malformed % escape
  }
}

/**
 * The handler map over HTTP for running the real UI in a browser: `POST /api/<area:action>` with the
 * per-run token in a header, JSON in and out. Static files of the renderer are served without the token
 * (they hold no data); every API call needs it.
 */
export function createApiServer(options: ApiServerOptions): Server {
  const largeRequests = options.largeRequests ?? new WorkLimiter(LARGE_REQUESTS_AT_ONCE);
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const port = (server.address() as AddressInfo | null)?.port ?? 0;
    handle(req, res, port).catch((error: unknown) => {
      console.error('[http] request failed', error);
      if (!res.headersSent)
        sendEnvelope(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Internal error.' } });
      else res.destroy();
    });
  };
  const server: Server = options.tls
    ? (createTlsServer(
        { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' },
        listener,
      ) as Server)
    : createServer(listener);

  async function handle(req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
    if (options.tls ? !sameTlsOrigin(req) : !sameLoopbackOrigin(req, port)) {
      sendEnvelope(res, 403, {
        ok: false,
        error: {
          code: 'FORBIDDEN',
          message: options.tls
            ? 'Requests must come from this server’s own pages.'
            : 'Requests must come from this machine.',
        },
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        sendEnvelope(res, 405, { ok: false, error: { code: 'FORBIDDEN', message: 'Use POST.' } });
        return;
      }
      const token = req.headers[TOKEN_HEADER];
      if (!tokenMatches(Array.isArray(token) ? token[0] : token, options.token)) {
        sendEnvelope(res, 401, {
          ok: false,
          error: { code: 'UNAUTHORIZED', message: 'Missing or wrong token.' },
        });
        return;
      }
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        sendEnvelope(res, 415, {
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'Send application/json.' },
        });
        return;
      }
      const channel = channelOf(url.pathname);
      if (channel === null) {
        sendEnvelope(res, 400, {
          ok: false,
          error: { code: 'UNKNOWN_CHANNEL', message: 'The channel name is not valid.' },
        });
        return;
      }
      const client = req.headers[CLIENT_HEADER];
      const clientId = typeof client === 'string' && CLIENT_ID.test(client) ? `http:${client}` : null;
      const length = Number(req.headers['content-length'] ?? NaN);
      // A body of unknown length may be large too.
      const large = !(length <= LARGE_REQUEST_BYTES);
      const answer = () => answerApi(req, res, channel, clientId);
      await (large ? largeRequests.run(answer) : answer());
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
      return;
    }
    const file = options.staticDir ? await readStaticFile(options.staticDir, url.pathname) : null;
    if (!file) {
      send(res, 404, 'text/plain; charset=utf-8', 'Not found');
      return;
    }
    send(res, 200, file.contentType, file.body);
  }

  async function answerApi(
    req: IncomingMessage,
    res: ServerResponse,
    channel: string,
    clientId: string | null,
  ): Promise<void> {
    const body = await readBody(req);
    if (body === null) {
      sendEnvelope(res, 413, {
        ok: false,
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `The file is too large: EyeNet accepts photographs up to ${MAX_IMAGE_BYTES >> 20} MB.`,
        },
      });
      return;
    }
    let input: unknown;
    try {
      input = body.length ? decodeWire(body) : {};
    } catch {
      sendEnvelope(res, 400, {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The body is not valid JSON.' },
      });
      return;
    }
    sendEnvelope(
      res,
      200,
      await options.dispatch(channel, input, {
        clientId,
        workstation: workstationOf(req.socket.remoteAddress),
      }),
    );
  }

  return server;
}

/** Listens on the loopback interface only; port 0 picks a free one. */
export function listenOnLoopback(server: Server, port: number): Promise<number> {
  return listen(server, port, '127.0.0.1');
}

/**
 * Listens on `address` (0.0.0.0: every interface). Plain HTTP only on loopback: patients' records never cross a
 * network unencrypted, so a server made without TLS refuses any other address.
 */
export function listen(server: Server, port: number, address: string): Promise<number> {
  if (!(server instanceof TlsServer) && !isLoopback(address))
    return Promise.reject(
      new Error(
        `EyeNet serves ${address} only over HTTPS: plain HTTP is for this computer (127.0.0.1) alone.`,
      ),
    );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
