import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FundusImage, ModelsOverview, SiteSettings } from '../../contract/index.ts';
import { original } from '../../model/testing/test-images.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import { importImage } from '../services/import-image.ts';
import { staffDispatch, tempDir, testContext, value, writeCandidateModel } from '../test-helpers.ts';

// Promotion and rollback with real models: two candidates are copies of the shipped model, one with figures
// that pass the gate and one constructed to be worse.
const data = tempDir('eyenet-models-');
let ctx: ReturnType<typeof testContext>;
let dispatch: Dispatch;

const candidate = (id: string, version: string, auc: number) =>
  writeCandidateModel(data.dir, id, version, auc);

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
  candidate('better', '2.0.0-local.1', 0.87);
  candidate('worse', '2.0.0-local.2', 0.8);
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
    expect(active).toEqual([expect.objectContaining({ source: 'bundled', version: '2.0.0' })]);
    expect(overview.versions.find((v) => v.id === 'better')?.verdict).toMatchObject({ allowed: true });
    expect(overview.versions.find((v) => v.id === 'worse')?.verdict?.reasons).toEqual([
      'Its referable-DR AUC is lower: 0.800 against 0.850.',
    ]);
  });

  it('refuses to promote a worse candidate, promotes a better one, and new results name it', async () => {
    expect(await dispatch('learning:promote', { id: 'worse' })).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: expect.stringMatching(/cannot be promoted\. Its referable-DR AUC is lower/),
      },
    });
    expect(await gradedVersion()).toBe('2.0.0');
    // The shipped model has no operating point re-derived here.
    expect(await value<SiteSettings>(dispatch('settings:get', {}))).toMatchObject({
      localOperatingPoint: null,
    });
    const promoted = await value<ModelsOverview>(dispatch('learning:promote', { id: 'better' }));
    // The promoted model's point for 90% sensitivity on the clinic's held-out patients is shown, not applied.
    expect(await value<SiteSettings>(dispatch('settings:get', {}))).toMatchObject({
      localOperatingPoint: { threshold: 0.05, model: 'eyenet-mnv2-dr 2.0.0-local.1' },
      referableThreshold: null,
    });
    expect(promoted.versions.find((v) => v.active)).toMatchObject({ id: 'better', version: '2.0.0-local.1' });
    expect(promoted.history).toEqual([expect.objectContaining({ id: 'better', action: 'promote' })]);
    expect(ctx.grading.model?.version).toBe('2.0.0-local.1');
    expect(await gradedVersion()).toBe('2.0.0-local.1');
    // A photograph graded by the shipped model, graded again on request: the earlier grade stays beside it.
    const first = (ctx.db.prepare('SELECT MIN(id) AS id FROM images').get() as { id: number }).id;
    const before = await value<FundusImage>(dispatch('images:regrade', { imageId: first }));
    expect(before.result?.model.version).toBe('2.0.0-local.1');
    expect(before.review).toBeNull();
    expect(before.earlier).toMatchObject({
      modelVersion: '2.0.0',
      reviewed: false,
      grade: expect.any(Number),
    });
  });

  it('keeps the promoted model across a restart, and rolls back to the shipped one in one step', async () => {
    await ctx.close();
    ctx = testContext(data.dir);
    dispatch = staffDispatch(ctx);
    await ctx.grading.ready;
    expect(ctx.grading.model?.version).toBe('2.0.0-local.1');
    const back = await value<ModelsOverview>(dispatch('learning:rollback', {}));
    expect(back.versions.find((v) => v.active)).toMatchObject({ source: 'bundled', version: '2.0.0' });
    expect(back.history.map((h) => h.action)).toEqual(['promote', 'rollback']);
    expect(await gradedVersion()).toBe('2.0.0');
    // The results made by the promoted model still name it.
    const versions = ctx.db.prepare('SELECT model_version AS v FROM results ORDER BY id').all() as {
      v: string;
    }[];
    expect(versions.map((r) => r.v)).toEqual(['2.0.0', '2.0.0-local.1', '2.0.0-local.1', '2.0.0']);
  });
});
