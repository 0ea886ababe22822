import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../services/app-context.ts';
import { memoryContext, signInTestStaff, staffDispatch } from '../test-helpers.ts';
import { createDispatch, type Dispatch } from './dispatch.ts';
import { handlers } from './handlers/index.ts';
import type { HandlerMap } from './handler.ts';

let ctx: AppContext;
let dispatch: Dispatch;
const logged: string[] = [];

// A fresh in-memory database for every test: no test depends on another's rows.
beforeEach(() => {
  // Grading is not needed for these channels: no workers start.
  ctx = memoryContext();
  dispatch = staffDispatch(ctx, (message) => logged.push(message));
});
afterEach(() => ctx.db.close());

describe('dispatch', () => {
  it('answers with an ok envelope', async () => {
    const created = await dispatch('patients:create', { clinicId: 'P-1', name: ' Ada ' });
    expect(created).toMatchObject({ ok: true, value: { clinicId: 'P-1', name: 'Ada' } });
    expect(await dispatch('patients:list', {})).toMatchObject({ ok: true, value: [{ clinicId: 'P-1' }] });
  });

  it('refuses unknown channels before anything runs', async () => {
    expect(await dispatch('patients:drop', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL' },
    });
    expect(await dispatch({ toString: () => 'app:info' }, {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL' },
    });
  });

  it('validates input: wrong types, unknown keys, bad dates, bad IDs', async () => {
    for (const input of [
      { clinicId: '', name: 'A' },
      { clinicId: 'A', name: 'A', admin: true },
      { clinicId: 'A', name: 'A', dateOfBirth: '2026-02-30' },
      { clinicId: 'A/../B', name: 'A' },
      null,
      'text',
    ]) {
      expect(await dispatch('patients:create', input)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }
    expect(
      await dispatch('images:import', { visitId: 1, eye: 'OS', fileName: 'a.jpeg', bytes: 'AAAA' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('passes user-facing errors through with their code', async () => {
    await dispatch('patients:create', { clinicId: 'P-1', name: 'Ada' });
    expect(await dispatch('patients:create', { clinicId: 'p-1', name: 'Dup' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('already belongs to Ada') },
    });
    expect(await dispatch('patients:get', { id: 999 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('hides the details of unexpected errors and logs them', async () => {
    const failing = {
      ...handlers,
      'patients:list': {
        ...handlers['patients:list'],
        run: () => Promise.reject(new Error('SQLITE secret path /x/y')),
      },
    } as HandlerMap;
    const windows = signInTestStaff(ctx);
    const result = await createDispatch(failing, ctx, (m) => logged.push(m))(
      'patients:list',
      {},
      {
        clientId: windows.clinician,
      },
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: expect.not.stringContaining('secret') },
    });
    expect(logged).toContain('[patients:list] failed');
  });

  it('reports grading as unavailable rather than failing when the model did not load', async () => {
    expect(await dispatch('app:info', {})).toMatchObject({
      ok: true,
      value: {
        model: null,
        modelError: 'not started in this test',
        disclaimer: expect.stringContaining('not a diagnosis'),
      },
    });
  });
});

describe('site settings', () => {
  it('keeps the site operating point, validates it, and can go back to the model default', async () => {
    expect(await dispatch('settings:get', {})).toMatchObject({
      ok: true,
      value: { referableThreshold: null, modelReferableThreshold: null },
    });
    // It changes decisions: a change says why (kept in the audit log), or is refused.
    expect(await dispatch('settings:update', { referableThreshold: 0.25 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Say why the operating point changes/) },
    });
    const reason = 'Regional programme asks for fewer false referrals.';
    expect(await dispatch('settings:update', { referableThreshold: 0.25, reason })).toMatchObject({
      ok: true,
      value: { referableThreshold: 0.25 },
    });
    expect(await dispatch('settings:update', { referableThreshold: 1.5 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await dispatch('settings:get', {})).toMatchObject({
      ok: true,
      value: { referableThreshold: 0.25 },
    });
    expect(await dispatch('settings:update', { referableThreshold: null, reason })).toMatchObject({
      ok: true,
      value: { referableThreshold: null },
    });
  });
});
