import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FundusImage, ModelsOverview, SiteSettings } from '../../contract/index.ts';
import { activeModelVersion } from '../../model/inference/model-paths.ts';
import { original } from '../../model/testing/test-images.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import { importImage } from '../services/import-image.ts';
import { staffDispatch, tempDir, testContext, value, writeCandidateModel } from '../test-helpers.ts';
import { auditGateDecision } from './start-fine-tune.ts';

// Promotion and rollback with real models: two candidates are copies of the shipped model, one with figures
// that pass the gate and one constructed to be worse.
const data = tempDir('eyenet-models-');
/** The shipped model's version (resources/models/active.json). */
const BUNDLED = activeModelVersion();
let ctx: ReturnType<typeof testContext>;
let dispatch: Dispatch;

const candidate = (
  id: string,
  version: string,
  auc: number,
  options?: Parameters<typeof writeCandidateModel>[4],
) => writeCandidateModel(data.dir, id, version, auc, options);

async function gradedVersion(): Promise<string> {
  const patient = createPatient(ctx.db, { clinicId: `G-${Math.random()}`, name: 'Graded' });
  const visit = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-30' });
  const out = await importImage(ctx, {
    visitId: visit.id,
    eye: 'OS',
    fileName: '10_left.jpeg',
    bytes: original('10_left.jpeg'),
  });
  return out.image.result!.model.version;
}

beforeAll(async () => {
  candidate('better', `${BUNDLED}-local.1`, 0.87);
  candidate('worse', `${BUNDLED}-local.2`, 0.8);
  candidate('elsewhere', `${BUNDLED}-local.3`, 0.87, { referenceDifference: -0.05 });
  candidate('thin', `${BUNDLED}-local.4`, 0.9, { referablePatients: 20 });
  ctx = testContext(data.dir);
  dispatch = staffDispatch(ctx);
  await ctx.grading.ready;
});
afterAll(async () => {
  await ctx.close();
  data.remove();
});

describe('model versions', () => {
  it('lists the shipped and the local models, each local one with the gate’s verdict', async () => {
    const overview = await value<ModelsOverview>(dispatch('learning:models', {}));
    const active = overview.versions.filter((v) => v.active);
    expect(active).toEqual([expect.objectContaining({ source: 'bundled', version: BUNDLED })]);
    const verdict = (id: string) => overview.versions.find((v) => v.id === id)?.verdict;
    expect(verdict('better')).toMatchObject({ decision: 'promote', allowed: true, delta: 0.02 });
    expect(verdict('worse')?.reasons).toEqual([
      "Its referable-DR AUC could be up to 0.065 lower than the current model's on these patients (the margin is 0.020).",
    ]);
    expect(verdict('elsewhere')).toMatchObject({ decision: 'override', allowed: false });
    expect(verdict('thin')?.line).toMatch(/^gate: refuse — Too little evidence: 20 held-out patients/);
  });

  it('judges at the site’s margin, within the range a site may choose', async () => {
    const admin = staffDispatch(ctx, undefined, 'administrator');
    expect(await admin('settings:update', { promotionMargin: 0.06 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/at most 0\.05/) },
    });
    expect(await admin('settings:update', { promotionMargin: 0.005 })).toMatchObject({ ok: false });
    const reason = 'Small clinic: we accept a wider margin.';
    expect(await admin('settings:update', { promotionMargin: 0.05 })).toMatchObject({ ok: false });
    await value(admin('settings:update', { promotionMargin: 0.05, reason }));
    const wider = await value<ModelsOverview>(dispatch('learning:models', {}));
    // 20 referable patients are enough to show a margin of 0.05.
    expect(wider.versions.find((v) => v.id === 'thin')?.verdict).toMatchObject({
      decision: 'promote',
      delta: 0.05,
    });
    await value(admin('settings:update', { promotionMargin: null, reason }));
    expect(await value<SiteSettings>(dispatch('settings:get', {}))).toMatchObject({
      promotionMargin: { value: 0.02, default: 0.02, min: 0.01, max: 0.05 },
    });
  });

  it('lets only an administrator promote a candidate that is better here but worse elsewhere, saying why', async () => {
    expect(await dispatch('learning:promote', { id: 'elsewhere' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/Better here, worse elsewhere/) },
    });
    // A clinician cannot override; an administrator must say why; no override for a candidate refused outright
    // or for one that needs none.
    const clinician = staffDispatch(ctx, undefined, 'clinician');
    expect(
      await clinician('learning:override', { id: 'elsewhere', reason: 'We only screen with this camera.' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const admin = staffDispatch(ctx, undefined, 'administrator');
    expect(await admin('learning:override', { id: 'elsewhere', reason: 'ok' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Say why/) },
    });
    expect(
      await admin('learning:override', { id: 'worse', reason: 'We want the newest model whatever it does.' }),
    ).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not even by an administrator/) } });
    expect(
      await admin('learning:override', {
        id: 'better',
        reason: 'We want the newest model whatever it does.',
      }),
    ).toMatchObject({ ok: false, error: { message: expect.stringMatching(/needs no override/) } });
    const reason = 'This clinic screens with one camera only; the reference set is another camera.';
    const promoted = await value<ModelsOverview>(admin('learning:override', { id: 'elsewhere', reason }));
    expect(promoted.versions.find((v) => v.active)?.id).toBe('elsewhere');
    expect(promoted.history.at(-1)).toMatchObject({
      id: 'elsewhere',
      action: 'promote',
      by: 'Ada Admin',
      override: reason,
    });
    // The audit log keeps who, why, and the gate's verdict with its figures as it stood.
    const entry = ctx.db
      .prepare(
        "SELECT request, before FROM audit_log WHERE action = 'learning:override' ORDER BY id DESC LIMIT 1",
      )
      .get() as { request: string; before: string };
    expect(JSON.parse(entry.request)).toMatchObject({ id: 'elsewhere', reason });
    expect(JSON.parse(entry.before)).toMatchObject({
      decision: 'override',
      delta: 0.02,
      evidence: expect.arrayContaining([
        expect.stringMatching(/^Reference set \(public EyePACS camera photographs/),
      ]),
    });
    await value(dispatch('learning:rollback', {}));
    expect(ctx.grading.model?.version).toBe(BUNDLED);
  });

  it('puts the gate’s verdict on a new candidate in the audit log', () => {
    const user = { id: 1, username: 'drtest', displayName: 'Dr Test', role: 'clinician' as const };
    auditGateDecision(ctx, 'worse', user);
    const entry = ctx.db
      .prepare(
        "SELECT username, request, after FROM audit_log WHERE action = 'learning:gate' ORDER BY id DESC LIMIT 1",
      )
      .get() as { username: string; request: string; after: string };
    expect(entry.username).toBe('drtest');
    expect(JSON.parse(entry.request)).toEqual({ candidate: 'worse' });
    expect(JSON.parse(entry.after)).toMatchObject({
      verdict: {
        decision: 'refuse',
        line: expect.stringMatching(/^gate: refuse — Its referable-DR AUC could be/),
      },
      localValidation: { comparison: { auc: { low: expect.any(Number) } } },
    });
  });

  it('refuses to promote a worse candidate, promotes a better one, and new results name it', async () => {
    expect(await dispatch('learning:promote', { id: 'worse' })).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: expect.stringMatching(
          /cannot be promoted\. Its referable-DR AUC could be up to 0\.065 lower/,
        ),
      },
    });
    expect(await gradedVersion()).toBe(BUNDLED);
    // The shipped model has no operating point re-derived here.
    expect(await value<SiteSettings>(dispatch('settings:get', {}))).toMatchObject({
      localOperatingPoint: null,
    });
    const promoted = await value<ModelsOverview>(dispatch('learning:promote', { id: 'better' }));
    // The promoted model's point for 90% sensitivity on the clinic's held-out patients is shown, not applied.
    expect(await value<SiteSettings>(dispatch('settings:get', {}))).toMatchObject({
      localOperatingPoint: { threshold: 0.05, model: `eyenet-mnv2-dr ${BUNDLED}-local.1` },
      referableThreshold: null,
    });
    expect(promoted.versions.find((v) => v.active)).toMatchObject({
      id: 'better',
      version: `${BUNDLED}-local.1`,
    });
    expect(promoted.history.at(-1)).toMatchObject({ id: 'better', action: 'promote' });
    expect(ctx.grading.model?.version).toBe(`${BUNDLED}-local.1`);
    expect(await gradedVersion()).toBe(`${BUNDLED}-local.1`);
    // A photograph graded by the shipped model, graded again on request: the earlier grade stays beside it.
    const first = (ctx.db.prepare('SELECT MIN(id) AS id FROM images').get() as { id: number }).id;
    const before = await value<FundusImage>(dispatch('images:regrade', { imageId: first }));
    expect(before.result?.model.version).toBe(`${BUNDLED}-local.1`);
    expect(before.review).toBeNull();
    expect(before.earlier).toMatchObject({
      modelVersion: BUNDLED,
      reviewed: false,
      grade: expect.any(Number),
    });
  });

  it('keeps the promoted model across a restart, and rolls back to the shipped one in one step', async () => {
    await ctx.close();
    ctx = testContext(data.dir);
    dispatch = staffDispatch(ctx);
    await ctx.grading.ready;
    expect(ctx.grading.model?.version).toBe(`${BUNDLED}-local.1`);
    const back = await value<ModelsOverview>(dispatch('learning:rollback', {}));
    expect(back.versions.find((v) => v.active)).toMatchObject({ source: 'bundled', version: BUNDLED });
    expect(back.history.map((h) => h.action)).toEqual(['promote', 'rollback', 'promote', 'rollback']);
    expect(await gradedVersion()).toBe(BUNDLED);
    // The results made by the promoted model still name it.
    const versions = ctx.db.prepare('SELECT model_version AS v FROM results ORDER BY id').all() as {
      v: string;
    }[];
    expect(versions.map((r) => r.v)).toEqual([BUNDLED, `${BUNDLED}-local.1`, `${BUNDLED}-local.1`, BUNDLED]);
  });
});
