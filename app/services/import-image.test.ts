import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeModelName } from '../../model/inference/model-paths.ts';
import { createPatient } from '../db/patients-repo.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { setSetting } from '../db/settings-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import { ORIGINALS_DIR as ORIGINALS } from '../../model/testing/test-images.ts';
import { tempDir, testContext } from '../test-helpers.ts';
import { importImage } from './import-image.ts';

const tmp = tempDir();
let ctx: ReturnType<typeof testContext>;
let visitId: number;
let filesPerImage = 0;
const photo = () => new Uint8Array(readFileSync(path.join(ORIGINALS, '16_left.jpeg')));

beforeAll(async () => {
  ctx = testContext(tmp.dir);
  await ctx.grading.ready;
  const patient = createPatient(ctx.db, { clinicId: 'P-16', name: 'Test' });
  visitId = createVisit(ctx.db, { patientId: patient.id, date: '2026-11-27' }).id;
});
afterAll(async () => {
  await ctx.close();
  tmp.remove();
});

function storedFiles(): string[] {
  try {
    return readdirSync(path.join(tmp.dir, 'images'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

describe('importImage', () => {
  it('refuses a file that is not an image, storing nothing', async () => {
    await expect(
      importImage(ctx, { visitId, eye: 'OS', fileName: 'notes.jpeg', bytes: new TextEncoder().encode('x') }),
    ).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    expect(storedFiles()).toEqual([]);
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM images').get()).toEqual({ n: 0 });
  });

  it('grades and stores a photograph with its result, model version and backend', async () => {
    const out = await importImage(ctx, { visitId, eye: 'OS', fileName: '16_left.jpeg', bytes: photo() });
    expect(out).toMatchObject({ duplicate: false, eyeWarning: null });
    expect(out.image).toMatchObject({ eye: 'OS', fileName: '16_left.jpeg', width: 3888, height: 2592 });
    expect(out.image.result).toMatchObject({
      quality: { gradable: true },
      model: { name: activeModelName(), validated: false },
      backend: ctx.grading.backend,
    });
    expect(out.image.result?.probabilities).toHaveLength(5);
    // original, thumbnail, preview, and the heatmap and maculopathy evidence map when the model makes them
    filesPerImage =
      3 + (out.image.result?.hasHeatmap ? 1 : 0) + (out.image.result?.hasMaculopathyEvidence ? 1 : 0);
    expect(storedFiles()).toHaveLength(filesPerImage);
  });

  it('stores the same photograph once and says it was a duplicate', async () => {
    const again = await importImage(ctx, { visitId, eye: 'OS', fileName: 'copy.jpeg', bytes: photo() });
    expect(again.duplicate).toBe(true);
    expect(storedFiles()).toHaveLength(filesPerImage);
  });

  it('asks before storing a photo whose name names the other eye, then keeps the files deduplicated across eyes', async () => {
    const before = storedFiles().length;
    await expect(
      importImage(ctx, { visitId, eye: 'OD', fileName: '16_left.jpeg', bytes: photo() }),
    ).rejects.toMatchObject({ code: 'NEEDS_CONFIRMATION', message: expect.stringMatching(/left eye/) });
    expect(storedFiles()).toHaveLength(before);
    const out = await importImage(ctx, {
      visitId,
      eye: 'OD',
      confirmEye: true,
      fileName: '16_left.jpeg',
      bytes: photo(),
    });
    expect(out.eyeWarning).toMatch(/left eye/);
    expect(out.image.eye).toBe('OD');
    expect(storedFiles()).toHaveLength(filesPerImage);
  });

  it("records the site's operating point with a result when the site set one", async () => {
    setSetting(ctx.db, SETTING_KEYS.referableThreshold, 0.2);
    const bytes = new Uint8Array(readFileSync(path.join(ORIGINALS, '13_left.jpeg')));
    const out = await importImage(ctx, { visitId, eye: 'OS', fileName: '13_left.jpeg', bytes });
    expect(out.image.result?.referableThreshold).toBe(0.2);
    setSetting(ctx.db, SETTING_KEYS.referableThreshold, null);
  });

  it('takes the eye from the file name when none is chosen, and asks when the name does not say', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(ORIGINALS, '13_right.jpeg')));
    const out = await importImage(ctx, { visitId, fileName: '13_right.jpeg', bytes });
    expect(out).toMatchObject({ eyeWarning: null, image: { eye: 'OD' } });
    await expect(importImage(ctx, { visitId, fileName: 'IMG_0001.jpeg', bytes })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/Choose the eye/),
    });
  });

  it('refuses an unknown visit', async () => {
    await expect(
      importImage(ctx, { visitId: 999, eye: 'OS', fileName: '16_left.jpeg', bytes: photo() }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
