// The clinic server's transport: HTTPS with a certificate kept in the data folder, plain HTTP refused off
// loopback, the workstation in each audited call, and workstations that accept only the certificate they checked.
import { writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../contract/wire.ts';
import { createDispatch, type CallOrigin, type Dispatch } from '../api/dispatch.ts';
import { handlers } from '../api/handlers/index.ts';
import { appendAudit, listAudit, verifyAuditChain } from '../audit/audit-log.ts';
import { createApiServer, listen, TOKEN_HEADER } from '../http/server.ts';
import { memoryContext, staffDispatch, tempDir, value } from '../test-helpers.ts';
import { certificateMatches, normalizeFingerprint } from './fingerprint.ts';
import { isLoopback, workstationOf } from './network-address.ts';
import { serverIdentity, type TlsIdentity } from './tls-identity.ts';
import {
  clinicServerArgs,
  parseChoice,
  pinnedVerdict,
  readChoice,
  verifyChoice,
} from './workstation-choice.ts';

const TOKEN = 'clinic-token-456';
const origins: CallOrigin[] = [];
const dispatch: Dispatch = async (_channel, _input, origin) => {
  origins.push(origin!);
  return { ok: true, value: 'ok' };
};

const tmp = tempDir();
let identity: TlsIdentity;
let server: Server;
let port: number;

beforeAll(async () => {
  identity = await serverIdentity({ dataDir: tmp.dir, names: ['eyenet.clinic.test', '127.0.0.1'] });
  server = createApiServer({ dispatch, token: TOKEN, staticDir: null, tls: identity });
  port = await listen(server, 0, '127.0.0.1');
}, 30_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
  tmp.remove();
});

function call(headers: Record<string, string> = {}, ca: string = identity.cert) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/app:info',
        method: 'POST',
        ca,
        servername: 'eyenet.clinic.test',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: TOKEN, ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: decodeWire(body) }));
      },
    );
    req.on('error', reject);
    req.end(encodeWire({}));
  });
}

describe('the clinic server over HTTPS', () => {
  it('keeps its certificate: the same fingerprint at the next start, so workstations check it once', async () => {
    expect(identity.created).toBe(true);
    const again = await serverIdentity({ dataDir: tmp.dir, names: ['another-name'] });
    expect(again).toMatchObject({ created: false, fingerprint: identity.fingerprint });
    expect(identity.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("refuses the clinic's certificate with a key that is not its own, and half a pair", async () => {
    const other = tempDir();
    try {
      const foreign = await serverIdentity({ dataDir: other.dir, names: ['x'] });
      writeFileSync(`${other.dir}/c.pem`, identity.cert);
      writeFileSync(`${other.dir}/k.pem`, foreign.key);
      await expect(
        serverIdentity({
          dataDir: other.dir,
          names: [],
          certFile: `${other.dir}/c.pem`,
          keyFile: `${other.dir}/k.pem`,
        }),
      ).rejects.toThrow(/do not go together/);
      await expect(
        serverIdentity({ dataDir: other.dir, names: [], certFile: `${other.dir}/c.pem` }),
      ).rejects.toThrow(/both --cert and --key/);
    } finally {
      other.remove();
    }
  }, 30_000);

  it('answers over HTTPS and says in each call which workstation it came from', async () => {
    origins.length = 0;
    expect(await call({ origin: `https://127.0.0.1:${port}`, host: `127.0.0.1:${port}` })).toMatchObject({
      status: 200,
    });
    expect(origins[0]).toMatchObject({ workstation: 'this computer' });
    expect(workstationOf('::ffff:192.168.1.20')).toBe('192.168.1.20');
  });

  it("refuses another site's page (Origin), and plain HTTP on the HTTPS port", async () => {
    expect(await call({ origin: 'https://evil.example' })).toMatchObject({ status: 403 });
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', method: 'GET' }, (res) =>
        resolve(`answered ${res.statusCode}`),
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      req.end();
    });
    expect(plain).not.toMatch(/^answered 200/);
  });

  it('refuses to serve plain HTTP anywhere but loopback', async () => {
    const plain = createApiServer({ dispatch, token: TOKEN, staticDir: null });
    await expect(listen(plain, 0, '0.0.0.0')).rejects.toThrow(
      /only over HTTPS: plain HTTP is for this computer/,
    );
    expect(plain.listening).toBe(false);
    expect(['127.0.0.1', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(isLoopback('192.168.1.2')).toBe(false);
  });
});

describe('a workstation of the clinic server', () => {
  it('accepts the server with the certificate it checked, and refuses a changed one with a sentence', async () => {
    const url = `https://127.0.0.1:${port}/#token=${TOKEN}`;
    await expect(verifyChoice(parseChoice(url, identity.fingerprint))).resolves.toBeUndefined();
    // The administrator read it out in lower case with spaces: the same fingerprint.
    const spoken = identity.fingerprint.toLowerCase().replaceAll(':', ' ');
    await expect(verifyChoice(parseChoice(url, spoken))).resolves.toBeUndefined();

    const other = tempDir();
    try {
      const replaced = await serverIdentity({ dataDir: other.dir, names: ['127.0.0.1'] });
      await expect(verifyChoice(parseChoice(url, replaced.fingerprint))).rejects.toThrow(
        /presents a different certificate from the one checked .*ask the administrator/,
      );
      const choice = parseChoice(url, identity.fingerprint);
      expect(pinnedVerdict(choice, { hostname: '127.0.0.1', certificate: { data: identity.cert } })).toBe(0);
      expect(pinnedVerdict(choice, { hostname: '127.0.0.1', certificate: { data: replaced.cert } })).toBe(-2);
      expect(pinnedVerdict(choice, { hostname: 'elsewhere.org', certificate: { data: replaced.cert } })).toBe(
        -3,
      );
      expect(certificateMatches(replaced.cert, identity.fingerprint)).toBe(false);
    } finally {
      other.remove();
    }
  }, 30_000);

  it('takes the choice from the command line, https only off this computer, and a real fingerprint', () => {
    const fp = 'ab'.repeat(32);
    expect(
      clinicServerArgs([
        'electron',
        '.',
        '--clinic-server',
        'https://srv:8443/#token=x',
        '--fingerprint',
        fp,
      ]),
    ).toEqual({
      choice: { url: 'https://srv:8443/#token=x', fingerprint: normalizeFingerprint(fp) },
      ownRecord: false,
    });
    expect(clinicServerArgs(['--own-record'])).toEqual({ choice: null, ownRecord: true });
    expect(() => parseChoice('http://srv:8080/', fp)).toThrow(/over https:\/\/ only/);
    expect(() => parseChoice('https://srv/', 'abcd')).toThrow(/64 hexadecimal digits/);
    expect(() => clinicServerArgs(['--clinic-server', 'https://srv/'])).toThrow(/--fingerprint/);
  });
});

describe('the audit log with several workstations', () => {
  it('names the workstation of each call, and entries from before the column still verify', async () => {
    const ctx = memoryContext();
    // An entry as an older EyeNet wrote it (no workstation).
    appendAudit(ctx.db, {
      userId: null,
      username: 'old',
      role: '',
      action: 'auth:failed',
      kind: 'security',
      patientId: null,
      request: {},
    });
    const dispatch = createDispatch(handlers, ctx, () => undefined);
    const admin = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };
    await value(
      dispatch('auth:setup', admin, { clientId: 'http:reading-room-0123456', workstation: '192.168.1.20' }),
    );
    await value(
      dispatch('auth:logout', {}, { clientId: 'http:reading-room-0123456', workstation: '192.168.1.20' }),
    );
    const entries = listAudit(ctx.db, {});
    expect(entries.map((e) => e.workstation)).toEqual(['192.168.1.20', '192.168.1.20', null]);
    expect(verifyAuditChain(ctx.db)).toMatchObject({ ok: true });
    // Changing where a call came from breaks the chain like any other edit.
    ctx.db.exec('DROP TRIGGER IF EXISTS audit_log_no_update');
    ctx.db.prepare("UPDATE audit_log SET workstation = '10.0.0.9' WHERE id = 2").run();
    expect(verifyAuditChain(ctx.db)).toMatchObject({ ok: false });
  });
});

describe("the desktop app's Settings → Clinic server", () => {
  it('saves a server whose certificate matches, refuses a changed one, goes back to its own record; not under serve', async () => {
    const choiceDir = tempDir();
    try {
      const desktop = { ...memoryContext(), clinicServerChoiceDir: choiceDir.dir };
      const admin = staffDispatch(desktop, () => undefined, 'administrator');
      expect(await value(admin('app:clinicServer', {}))).toEqual({ available: true, choice: null });
      const url = `https://127.0.0.1:${port}/#token=${TOKEN}`;
      const saved = await value(admin('app:useClinicServer', { url, fingerprint: identity.fingerprint }));
      expect(saved).toEqual({ available: true, choice: { url, fingerprint: identity.fingerprint } });
      // What Electron's main reads at the next start.
      expect(readChoice(choiceDir.dir)).toEqual({ url, fingerprint: identity.fingerprint });

      const wrong = 'AA:'.repeat(31) + 'AA';
      expect(await admin('app:useClinicServer', { url, fingerprint: wrong })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', message: expect.stringMatching(/presents a different certificate/) },
      });
      expect(readChoice(choiceDir.dir)?.fingerprint).toBe(identity.fingerprint); // unchanged
      expect(await value(admin('app:useClinicServer', { ownRecord: true }))).toEqual({
        available: true,
        choice: null,
      });

      const served = staffDispatch(memoryContext(), () => undefined, 'administrator');
      expect(await value(served('app:clinicServer', {}))).toEqual({ available: false, choice: null });
      expect(await served('app:useClinicServer', { url, fingerprint: identity.fingerprint })).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/Only the desktop app/) },
      });
    } finally {
      choiceDir.remove();
    }
  }, 30_000);
});

describe('the record version other workstations poll', () => {
  it('moves with a change, not with a look', async () => {
    const dispatch = staffDispatch(memoryContext());
    const version = async () => (await value<{ version: string }>(dispatch('app:changes', {}))).version;
    const before = await version();
    await value(dispatch('patients:list', {}));
    expect(await version()).toBe(before);
    await value(dispatch('patients:create', { name: 'Ann Other', clinicId: 'V-1' }));
    expect(await version()).not.toBe(before);
  });
});
