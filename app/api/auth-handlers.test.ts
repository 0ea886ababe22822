import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, type SignedInUser } from '../../contract/index.ts';
import { ROLES } from '../../domain/roles.ts';
import { verifyAuditChain } from '../audit/audit-log.ts';
import { hashForUnknownUser } from '../auth/passwords.ts';
import { Sessions } from '../auth/sessions.ts';
import { openDatabase } from '../db/database.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import type { AppContext } from '../services/app-context.ts';
import { insertGradedImage, memoryContext, signInTestStaff, value } from '../test-helpers.ts';
import { createDispatch, type Dispatch } from './dispatch.ts';
import { handlers } from './handlers/index.ts';

let ctx: AppContext;
let dispatch: Dispatch;
let clock: number;
const W1 = { clientId: 'http:window-one-0123456789' };
const W2 = { clientId: 'http:window-two-0123456789' };

beforeEach(() => {
  clock = Date.parse('2026-12-06T09:00:00Z');
  ctx = { ...memoryContext(), sessions: new Sessions(() => clock) };
  dispatch = createDispatch(handlers, ctx, () => undefined);
});
afterEach(() => ctx.db.close());

const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };

async function setUp(): Promise<void> {
  await value(dispatch('auth:setup', ADMIN, W1));
}

describe('first start and signing in', () => {
  it('asks for the administrator first, then refuses a second setup', async () => {
    expect(await value(dispatch('auth:status', {}, W1))).toMatchObject({ setupNeeded: true, user: null });
    expect(await dispatch('patients:list', {}, W1)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(await dispatch('auth:setup', { ...ADMIN, password: 'short' }, W1)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/at least 10 characters/) },
    });
    const admin = await value<SignedInUser>(dispatch('auth:setup', ADMIN, W1));
    expect(admin).toMatchObject({ username: 'admin', role: 'administrator' });
    expect(await value(dispatch('auth:status', {}, W1))).toMatchObject({ setupNeeded: false, user: admin });
    // Another window is not signed in by this one's sign-in.
    expect(await value(dispatch('auth:status', {}, W2))).toMatchObject({ user: null });
    expect(await dispatch('auth:setup', { ...ADMIN, username: 'other' }, W2)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // The hash is stored, never the password.
    const stored = ctx.db.prepare('SELECT password_hash FROM users').get() as { password_hash: string };
    expect(stored.password_hash).toMatch(/^scrypt\$/);
    expect(stored.password_hash).not.toContain(ADMIN.password);
  });

  it('signs in with the right password only, and an administrator makes accounts with roles', async () => {
    await setUp();
    await value(
      dispatch(
        'users:create',
        { username: 'drlee', displayName: 'Dr Lee', role: 'clinician', password: 'lee-password-1' },
        W1,
      ),
    );
    expect(await dispatch('auth:login', { username: 'drlee', password: 'wrong-password' }, W2)).toMatchObject(
      {
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'The user name or password is wrong.' },
      },
    );
    expect(
      await dispatch('auth:login', { username: 'nobody', password: 'wrong-password' }, W2),
    ).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'The user name or password is wrong.' },
    });
    expect(
      await value(dispatch('auth:login', { username: 'DrLee', password: 'lee-password-1' }, W2)),
    ).toMatchObject({ displayName: 'Dr Lee', role: 'clinician' });
    // The clinician cannot manage accounts or settings.
    expect(await dispatch('users:list', {}, W2)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/This needs an administrator's account/) },
    });
    expect(await dispatch('settings:update', { referableThreshold: 0.1 }, W2)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    await value(dispatch('auth:logout', {}, W2));
    expect(await dispatch('patients:list', {}, W2)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
  });

  it('takes a disabled account or a changed role into effect at once, and keeps one administrator', async () => {
    await setUp();
    const tech = await value<{ id: number; version: number }>(
      dispatch(
        'users:create',
        { username: 'tom', displayName: 'Tom', role: 'technician', password: 'tm-secret-001' },
        W1,
      ),
    );
    await value(dispatch('auth:login', { username: 'tom', password: 'tm-secret-001' }, W2));
    expect(await dispatch('reviews:submit', { resultId: 1, grade: 1, seenReviewId: null }, W2)).toMatchObject(
      {
        error: { code: 'FORBIDDEN' },
      },
    );
    // A role change says why, and the audit log keeps it.
    expect(
      await dispatch(
        'users:update',
        { id: tech.id, version: tech.version, displayName: 'Tom', role: 'clinician', disabled: false },
        W1,
      ),
    ).toMatchObject({
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Say why the role changes/) },
    });
    const reason = 'Tom qualified as an optometrist grader.';
    const promoted = await value<{ version: number }>(
      dispatch(
        'users:update',
        {
          id: tech.id,
          version: tech.version,
          displayName: 'Tom',
          role: 'clinician',
          disabled: false,
          reason,
        },
        W1,
      ),
    );
    const audited = ctx.db
      .prepare(
        "SELECT request, before, after FROM audit_log WHERE action = 'users:update' ORDER BY id DESC LIMIT 1",
      )
      .get() as { request: string; before: string; after: string };
    expect(JSON.parse(audited.request)).toMatchObject({ role: 'clinician', reason });
    expect(JSON.parse(audited.before)).toMatchObject({ role: 'technician' });
    expect(JSON.parse(audited.after)).toMatchObject({ role: 'clinician' });
    expect(await dispatch('reviews:submit', { resultId: 1, grade: 1, seenReviewId: null }, W2)).toMatchObject(
      {
        error: { code: 'NOT_FOUND' },
      },
    );
    // An edit from the version before is refused.
    expect(
      await dispatch(
        'users:update',
        { id: tech.id, version: tech.version, displayName: 'T', role: 'technician', disabled: false },
        W1,
      ),
    ).toMatchObject({ error: { code: 'STALE' } });
    await value(
      dispatch(
        'users:update',
        { id: tech.id, version: promoted.version, displayName: 'Tom', role: 'clinician', disabled: true },
        W1,
      ),
    );
    expect(await dispatch('patients:list', {}, W2)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(await dispatch('auth:login', { username: 'tom', password: 'tm-secret-001' }, W2)).toMatchObject({
      error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/disabled/) },
    });
    const me = await value<{ id: number; version: number }[]>(dispatch('users:list', {}, W1));
    const admin = me.find((u) => u.id !== tech.id)!;
    expect(
      await dispatch(
        'users:update',
        {
          id: admin.id,
          version: admin.version,
          displayName: 'Ada',
          role: 'clinician',
          disabled: false,
          reason: 'Ada moves to grading full time.',
        },
        W1,
      ),
    ).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(/last one/) } });
  });

  it('locks a window after the idle time; the page’s polling does not keep it open', async () => {
    await setUp();
    await value(dispatch('settings:update', { idleLockMinutes: 5 }, W1));
    clock += 4 * 60_000;
    await value(dispatch('reviews:count', {}, W1)); // polling: passive
    clock += 2 * 60_000;
    expect(await dispatch('patients:list', {}, W1)).toMatchObject({ error: { code: 'LOCKED' } });
    expect(await value(dispatch('auth:status', {}, W1))).toMatchObject({ user: null, locked: true });
    await value(dispatch('auth:login', { username: 'admin', password: ADMIN.password }, W1));
    expect(await dispatch('patients:list', {}, W1)).toMatchObject({ ok: true });
    // The page locks itself too.
    await value(dispatch('auth:lock', {}, W1));
    expect(await dispatch('patients:list', {}, W1)).toMatchObject({ error: { code: 'LOCKED' } });
  });

  it('slows down guessing: five wrong passwords make the name wait', async () => {
    await setUp();
    for (let i = 0; i < 5; i++)
      await dispatch('auth:login', { username: 'admin', password: `guess-${i}-xxxx` }, W2);
    expect(await dispatch('auth:login', { username: 'admin', password: ADMIN.password }, W2)).toMatchObject({
      error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/wait a minute/) },
    });
  });
});

describe('guessing, password changes and how long a sign-in lasts', () => {
  it('counts attempts before checking them: 40 sent at once, the right one last, get nowhere', async () => {
    await setUp();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        dispatch(
          'auth:login',
          { username: 'admin', password: i === 39 ? ADMIN.password : `guess-${i}-xxxx` },
          W2,
        ),
      ),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(0);
    expect(answers.at(-1)).toMatchObject({ error: { message: expect.stringMatching(/wait a minute/) } });
    // At most five passwords were checked; the rest were refused unchecked.
    expect(answers.filter((a) => !a.ok && /password is wrong/.test(a.error.message))).toHaveLength(5);
  });

  it('keeps the count across a restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-guess-'));
    try {
      const file = path.join(dir, 'eyenet.sqlite');
      const first = { ...memoryContext(), db: openDatabase(file) };
      const d1 = createDispatch(handlers, first, () => undefined);
      await value(d1('auth:setup', ADMIN, W1));
      for (let i = 0; i < 5; i++)
        await d1('auth:login', { username: 'admin', password: `guess-${i}-xxxx` }, W2);
      first.db.close();
      const second = { ...memoryContext(), db: openDatabase(file) };
      const d2 = createDispatch(handlers, second, () => undefined);
      expect(await d2('auth:login', { username: 'ADMIN', password: ADMIN.password }, W2)).toMatchObject({
        error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/wait a minute/) },
      });
      second.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks an unknown name with a hash of the same cost as a real one (the answer does not say which names exist)', async () => {
    await setUp();
    const params = (hash: string) => hash.split('$').slice(0, 4).join('$');
    const stored = ctx.db.prepare("SELECT password_hash AS h FROM users WHERE username = 'admin'").get() as {
      h: string;
    };
    // The earlier dummy, scrypt$16384$…, did half the work of a real check: 70 ms against 158 ms.
    expect(params(await hashForUnknownUser())).toBe(params(stored.h));
    expect(
      await dispatch('auth:login', { username: 'nobody-here', password: ADMIN.password }, W2),
    ).toMatchObject({
      error: { message: 'The user name or password is wrong.' },
    });
  });

  it('refuses passwords a guesser tries first', async () => {
    await setUp();
    for (const [password, why] of [
      ['          ', /at least 10 characters/],
      ['1234567890', /sequence/],
      ['aaaaaaaaaaaa', /run of one character/],
      ['my-name-is-tom!', /user name/],
    ] as const)
      expect(
        await dispatch(
          'users:create',
          { username: 'tom', displayName: 'Tom', role: 'technician', password },
          W1,
        ),
      ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(why) } });
  });

  it('ends other sign-ins of a person whose password changed, and all of them after a reset', async () => {
    await setUp();
    const W3 = { clientId: 'http:window-three-0123456789' };
    const tom = await value<{ id: number; version: number }>(
      dispatch(
        'users:create',
        { username: 'tom', displayName: 'Tom', role: 'technician', password: 'tm-secret-001' },
        W1,
      ),
    );
    await value(dispatch('auth:login', { username: 'tom', password: 'tm-secret-001' }, W2));
    await value(dispatch('auth:login', { username: 'tom', password: 'tm-secret-001' }, W3));
    await value(dispatch('auth:changePassword', { current: 'tm-secret-001', password: 'tm-secret-002' }, W2));
    expect(await dispatch('patients:list', {}, W2)).toMatchObject({ ok: true });
    expect(await dispatch('patients:list', {}, W3)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const now = await value<{ version: number }>(dispatch('users:list', {}, W1)).then((list) =>
      (list as unknown as { id: number; version: number }[]).find((u) => u.id === tom.id)!,
    );
    await value(
      dispatch(
        'users:update',
        {
          id: tom.id,
          version: now.version,
          displayName: 'Tom',
          role: 'technician',
          disabled: false,
          password: 'tm-secret-003',
        },
        W1,
      ),
    );
    expect(await dispatch('patients:list', {}, W2)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('ends a sign-in after 12 hours however busy', async () => {
    await setUp();
    await value(dispatch('settings:update', { idleLockMinutes: 240 }, W1));
    for (let hour = 0; hour < 12; hour++) {
      clock += 59 * 60_000;
      expect(await dispatch('patients:list', {}, W1)).toMatchObject({ ok: true });
    }
    clock += 61 * 60_000;
    expect(await dispatch('patients:list', {}, W1)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });
});

describe('roles in every handler', () => {
  it('refuses every channel but signing in to a window nobody signed in on, and each role what it may not do', async () => {
    const windows = signInTestStaff(ctx);
    for (const channel of CHANNELS) {
      const handler = handlers[channel];
      if (handler.roles === 'anyone') continue;
      expect([channel, (await dispatch(channel, {}, { clientId: null })).ok]).toEqual([channel, false]);
      expect(await dispatch(channel, {}, { clientId: 'http:never-signed-in-000000' })).toMatchObject({
        error: { code: 'UNAUTHORIZED' },
      });
      for (const role of ROLES) {
        // A key no channel accepts: an allowed role gets as far as input validation and no further.
        const answer = await dispatch(channel, { notAField: 1 }, { clientId: windows[role] });
        const code = answer.ok ? 'OK' : answer.error.code;
        if (handler.roles.includes(role))
          expect([channel, role, code]).not.toEqual([channel, role, 'FORBIDDEN']);
        else expect([channel, role, code]).toEqual([channel, role, 'FORBIDDEN']);
      }
    }
  });
});

describe('the reviewer is the signed-in clinician', () => {
  it('records the account’s name and refuses a typed one', async () => {
    const windows = signInTestStaff(ctx);
    const patient = createPatient(ctx.db, { clinicId: 'R-1', name: 'Rhea' });
    const visit = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-30' });
    const { resultId } = insertGradedImage(ctx.db, visit.id, { grade: 2 });
    expect(
      await dispatch(
        'reviews:submit',
        { resultId, grade: 2, seenReviewId: null, reviewer: 'Someone Else' },
        {
          clientId: windows.clinician,
        },
      ),
    ).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const review = await value<{ reviewer: string }>(
      dispatch('reviews:submit', { resultId, grade: 2, seenReviewId: null }, { clientId: windows.clinician }),
    );
    expect(review.reviewer).toBe('Dr Test');
  });
});

describe('audit log', () => {
  it('keeps who changed what (before and after) and who looked at which record, in an unbroken chain', async () => {
    await setUp();
    const p = await value<{ id: number; version: number }>(
      dispatch(
        'users:create',
        { username: 'tom', displayName: 'Tom', role: 'technician', password: 'tm-secret-001' },
        W1,
      ),
    );
    void p;
    await value(dispatch('auth:login', { username: 'tom', password: 'tm-secret-001' }, W2));
    const patient = await value<{ id: number; version: number }>(
      dispatch('patients:create', { clinicId: 'A-1', name: 'Ann' }, W2),
    );
    await value(
      dispatch(
        'patients:update',
        { id: patient.id, version: patient.version, clinicId: 'A-1', name: 'Anna' },
        W2,
      ),
    );
    await value(dispatch('patients:get', { id: patient.id }, W2));
    await dispatch('settings:update', { referableThreshold: 0.2 }, W2); // refused: not an administrator
    const entries = await value<
      {
        username: string;
        action: string;
        kind: string;
        patientId: number | null;
        before: unknown;
        after: unknown;
        request: unknown;
      }[]
    >(dispatch('audit:list', { patientId: patient.id }, W1));
    expect(entries.map((e) => [e.username, e.action, e.kind])).toEqual([
      ['tom', 'patients:get', 'view'],
      ['tom', 'patients:update', 'change'],
      ['tom', 'patients:create', 'change'],
    ]);
    expect(entries[1]).toMatchObject({ before: { name: 'Ann' }, after: { name: 'Anna' } });
    const security = await value<{ action: string; request: unknown }[]>(
      dispatch('audit:list', { kind: 'security' }, W1),
    );
    expect(security.map((e) => e.action)).toContain('access:refused');
    // Passwords never reach the log.
    const all = JSON.stringify(await value(dispatch('audit:list', {}, W1)));
    expect(all).not.toContain('tm-secret-001');
    expect(all).not.toContain(ADMIN.password);
    expect(await value(dispatch('audit:verify', {}, W1))).toMatchObject({ ok: true, broken: null });
  });

  it('cannot be changed through SQLite, and an edit or a deletion made around the guard is found', async () => {
    await setUp();
    await value(dispatch('patients:list', {}, W1));
    const windows = signInTestStaff(ctx);
    for (const name of ['Ann', 'Ben', 'Cy'])
      await value(dispatch('patients:create', { clinicId: name, name }, { clientId: windows.technician }));
    expect(() => ctx.db.prepare("UPDATE audit_log SET username = 'x' WHERE id = 2").run()).toThrow(
      /append-only/,
    );
    expect(() => ctx.db.prepare('DELETE FROM audit_log WHERE id = 2').run()).toThrow(/append-only/);
    expect(verifyAuditChain(ctx.db)).toMatchObject({ ok: true, entries: 4 });
    // Someone with the database file drops the guard and rewrites history.
    ctx.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    ctx.db.prepare("UPDATE audit_log SET username = 'someone-else' WHERE id = 3").run();
    expect(verifyAuditChain(ctx.db)).toMatchObject({
      ok: false,
      broken: { id: 3, reason: expect.stringMatching(/edited/) },
    });
    ctx.db.prepare("UPDATE audit_log SET username = 'tom' WHERE id = 3").run();
    expect(verifyAuditChain(ctx.db)).toMatchObject({ ok: true });
    ctx.db.prepare('DELETE FROM audit_log WHERE id = 2').run();
    expect(verifyAuditChain(ctx.db)).toMatchObject({
      ok: false,
      broken: { id: 3, reason: expect.stringMatching(/missing/) },
    });
  });

  it('makes no change whose audit entry cannot be written (they commit together); one that had to wait is logged', async () => {
    const logged: string[] = [];
    const windows = signInTestStaff(ctx);
    const logging = createDispatch(handlers, ctx, (message) => logged.push(message));
    ctx.db.exec(
      "CREATE TRIGGER audit_full BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    );
    expect(
      await logging(
        'patients:create',
        { clinicId: 'AF-1', name: 'Audit Failure' },
        { clientId: windows.technician },
      ),
    ).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(ctx.db.prepare("SELECT COUNT(*) AS n FROM patients WHERE clinic_id = 'AF-1'").get()).toEqual({
      n: 0,
    });
    // The same on a full disk, answered as such: nothing was saved.
    ctx.db.exec('DROP TRIGGER audit_full');
    ctx.db.exec(
      "CREATE TRIGGER audit_full BEFORE INSERT ON audit_log BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;",
    );
    const full = await logging(
      'patients:create',
      { clinicId: 'AF-2', name: 'Full Disk' },
      { clientId: windows.technician },
    );
    expect(full.ok).toBe(false);
    expect(ctx.db.prepare("SELECT COUNT(*) AS n FROM patients WHERE clinic_id = 'AF-2'").get()).toEqual({
      n: 0,
    });
    // A change that waited (a password hashed) is done before its entry: answered done, the gap logged.
    logged.length = 0;
    const admin = createDispatch(handlers, ctx, (message) => logged.push(message));
    expect(
      await admin(
        'users:create',
        { username: 'nia', displayName: 'Nia', role: 'technician', password: 'a-long-secret-9' },
        { clientId: windows.administrator },
      ),
    ).toMatchObject({ ok: true });
    expect(logged).toEqual(['[users:create] done, but its audit entry could not be written']);
  });

  it('records who opened a photograph, and opens none of a deleted patient', async () => {
    const windows = signInTestStaff(ctx);
    const patient = createPatient(ctx.db, { clinicId: 'PH-1', name: 'Photo Graph' });
    const visit = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-30' });
    const { imageId } = insertGradedImage(ctx.db, visit.id, { grade: 1 });
    const stored = new Map<string, Uint8Array>();
    ctx = {
      ...ctx,
      store: { get: async (sha: string) => stored.get(sha) ?? new Uint8Array([1, 2, 3]) } as never,
    };
    dispatch = createDispatch(handlers, ctx, () => undefined);
    const as = { clientId: windows.clinician };
    const opened = () =>
      ctx.db
        .prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'images:file' AND patient_id = ?")
        .get(patient.id);
    // A small picture of a result card (here: none stored) is not opening the photograph.
    await dispatch('images:file', { imageId, kind: 'heatmap' }, as);
    expect(opened()).toEqual({ n: 0 });
    await value(dispatch('images:file', { imageId, kind: 'original' }, as));
    expect(opened()).toEqual({ n: 1 });
    ctx.db.prepare("UPDATE patients SET deleted_at = '2026-12-01T00:00:00Z' WHERE id = ?").run(patient.id);
    expect(await dispatch('images:file', { imageId, kind: 'original' }, as)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
