// A client of `npm run serve`'s API for benches and probes: the token from the printed URL, a client id of its
// own, and an administrator created on the first call (a fresh data folder has no users yet).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { decodeWire, encodeWire } from '../../contract/wire.ts';
import type { Envelope } from '../../contract/index.ts';
import { projectRoot } from '../services/paths.ts';

export const BENCH_USER = {
  username: 'bench',
  displayName: 'Bench Administrator',
  password: 'bnch-secret-001',
};

/** A technician the bench administrator makes, for the work only staff of that role may do (importing). */
export const BENCH_TECHNICIAN = {
  username: 'benchtech',
  displayName: 'Bench Technician',
  role: 'technician',
  password: 'bench-password-2',
} as const;

export type ApiCall = (channel: string, input: unknown) => Promise<unknown>;

export type RawCall = (channel: string, input: unknown) => Promise<Envelope<unknown>>;

/** POST over HTTPS trusting exactly one certificate (a clinic server's own, which no CA signed). */
function postPinned(url: URL, headers: Record<string, string>, body: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'POST', headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A window of its own on a running serve: every call answers its envelope, whatever it says. `ca`: the clinic
 * server's certificate, for a serve over HTTPS.
 */
export function rawClient(serveUrl: string, ca?: string): RawCall {
  const url = new URL(serveUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  const client = randomBytes(16).toString('hex');
  return async (channel, input) => {
    const target = new URL(`/api/${encodeURIComponent(channel)}`, url);
    const headers = {
      'content-type': 'application/json',
      'x-eyenet-token': token,
      'x-eyenet-client': client,
    };
    if (ca) return decodeWire(await postPinned(target, headers, encodeWire(input), ca)) as Envelope<unknown>;
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-eyenet-token': token, 'x-eyenet-client': client },
      body: encodeWire(input),
    });
    return decodeWire(await response.text()) as Envelope<unknown>;
  };
}

/** Throws on an error envelope, with its code and message. */
export function strict(raw: RawCall): ApiCall {
  return async (channel, input) => {
    const envelope = await raw(channel, input);
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`);
    return envelope.value;
  };
}

/**
 * A window signed in as `user` (default: the bench administrator, created on a fresh data folder's first call).
 */
export async function signedInClient(
  serveUrl: string,
  user: { username: string; password: string } = BENCH_USER,
): Promise<ApiCall> {
  const raw = rawClient(serveUrl);
  const setup = user === BENCH_USER ? await raw('auth:setup', BENCH_USER) : null;
  if (!setup?.ok) {
    const login = await raw('auth:login', { username: user.username, password: user.password });
    if (!login.ok) throw new Error(login.error.message);
  }
  return strict(raw);
}

export interface Serve {
  child: ChildProcess;
  url: string;
  /** Over HTTPS: the certificate's SHA-256 fingerprint as the server printed it; null over HTTP. */
  fingerprint: string | null;
  /** SIGTERM and wait; `kill('SIGKILL')` on child for a crash. */
  stop(): Promise<void>;
}

/**
 * Starts `npm run serve`'s entry on a free port for a data folder and waits for its URL (and, over HTTPS, the
 * certificate fingerprint it prints); `args` add to the command line (e.g. `--listen 0.0.0.0`).
 */
export function startServe(dataDir: string, args: readonly string[] = []): Promise<Serve> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'app/serve-cli.ts', '--port', '0', '--data-dir', dataDir, ...args],
    { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in 60 s:\n${out}`));
    }, 60_000);
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving on (https?:\/\/[\w.-]+:\d+\/#token=[\w-]+)/.exec(out);
      if (!m?.[1]) return;
      const fingerprint = /SHA-256 fingerprint ([0-9A-F:]{95})/.exec(out)?.[1] ?? null;
      if (m[1].startsWith('https:') && !fingerprint) return; // printed on the next line
      clearTimeout(timer);
      resolve({
        child,
        url: m[1],
        fingerprint,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}`));
    });
  });
}

/** On a fresh serve: the administrator made, then a technician, signed in on a window of its own. */
export async function technicianClient(serveUrl: string): Promise<ApiCall> {
  const admin = await signedInClient(serveUrl);
  await admin('users:create', BENCH_TECHNICIAN);
  return signedInClient(serveUrl, BENCH_TECHNICIAN);
}
