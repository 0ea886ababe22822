import { appendFileSync, copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchStatus } from '../../contract/index.ts';
import { dicomFile } from '../../model/testing/dicom-files.ts';
import { ORIGINALS_DIR, original } from '../../model/testing/test-images.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createAppContext } from '../services/app-context.ts';
import { activeModelDir } from '../services/paths.ts';
import { staffDispatch, tempDir, value } from '../test-helpers.ts';

// The watch folder with real files, real grading and chokidar polling (so it does not depend on inotify limits).
const data = tempDir('eyenet-watch-data-');
const outside = tempDir('eyenet-watch-folder-');
const folder = path.join(outside.dir, 'camera');
mkdirSync(folder);

const open = () =>
  createAppContext({
    dataDir: data.dir,
    modelDir: activeModelDir(),
    appVersion: '0.0.0-test',
    watch: { stableMs: 300, presenceMs: 150, usePolling: true },
  });
let ctx: ReturnType<typeof open>;
let dispatch: Dispatch;

const status = () => value<WatchStatus>(dispatch('watch:status', {}));
const images = () => (ctx.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n;

async function until(test: (s: WatchStatus) => boolean, what: string): Promise<WatchStatus> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const s = await status();
    if (test(s) && s.pending === 0) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const byName = (s: WatchStatus, name: string) => s.recent.find((f) => f.name === name);

beforeAll(async () => {
  ctx = open();
  dispatch = staffDispatch(ctx);
  await ctx.grading.ready;
  createPatient(ctx.db, { clinicId: '10', name: 'Ten' });
});
afterAll(async () => {
  await ctx.close();
  data.remove();
  outside.remove();
});

describe('the camera watch folder', () => {
  it('refuses a folder that does not exist or is relative, in sentences', async () => {
    expect(await dispatch('settings:update', { watchFolder: path.join(folder, 'nope') })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/does not exist/) },
    });
    expect(await dispatch('settings:update', { watchFolder: 'camera' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/full path/) },
    });
    // Not the data folder (whose photographs it would import again), nor a folder of the system.
    expect(await dispatch('settings:update', { watchFolder: ctx.dataDir })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/outside EyeNet’s data folder/) },
    });
    expect(await dispatch('settings:update', { watchFolder: '/etc' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/folder of the operating system/) },
    });
  });

  it('imports a photograph named by the pattern once it is complete, and never twice', async () => {
    await value(dispatch('settings:update', { watchFolder: folder }));
    await until((s) => s.state === 'watching', 'watching');
    // Written in two parts, the second after a pause shorter than the stability wait: read once, whole.
    const bytes = original('10_left.jpeg');
    writeFileSync(path.join(folder, '10_left.jpeg'), bytes.subarray(0, 1000));
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(path.join(folder, '10_left.jpeg'), bytes.subarray(1000));
    const s = await until((x) => byName(x, '10_left.jpeg')?.status === 'imported', 'the import');
    expect(byName(s, '10_left.jpeg')!.message).toMatch(/Imported into Ten \(10\), OS/);
    expect(images()).toBe(1);
    // The same photograph under another name is the same content: skipped.
    copyFileSync(path.join(ORIGINALS_DIR, '10_left.jpeg'), path.join(folder, 'copy-of-10_left.jpeg'));
    await new Promise((r) => setTimeout(r, 1500));
    await until(() => true, 'idle');
    expect(images()).toBe(1);
  });

  it('keeps what it cannot place in the unmatched list until staff assign or dismiss it', async () => {
    copyFileSync(path.join(ORIGINALS_DIR, '13_left.jpeg'), path.join(folder, 'nobody_left.jpeg'));
    writeFileSync(
      path.join(folder, 'D-100.dcm'),
      await dicomFile(original('13_right.jpeg'), 320, { tags: { ImageLaterality: 'R' } }),
    );
    writeFileSync(path.join(folder, 'notes.txt'), 'not a photograph');
    let s = await until((x) => x.unmatched.length === 2, 'two unmatched');
    const photo = s.unmatched.find((f) => f.name === 'nobody_left.jpeg')!;
    const dicom = s.unmatched.find((f) => f.name === 'D-100.dcm')!;
    expect(photo.message).toMatch(/No patient with clinic ID “nobody”/);
    expect(dicom.registrable).toEqual({ clinicId: 'D-100', name: 'Jane Doe' });
    expect(s.recent.some((f) => f.name === 'notes.txt')).toBe(false);

    const patient = createPatient(ctx.db, { clinicId: 'N-1', name: 'Nobody' });
    s = await value<WatchStatus>(
      dispatch('watch:assign', { fileId: photo.id, patientId: patient.id, eye: 'OS', date: '2026-11-30' }),
    );
    expect(s.unmatched.map((f) => f.name)).toEqual(['D-100.dcm']);
    s = await value<WatchStatus>(dispatch('watch:assign', { fileId: dicom.id, registerPatient: true }));
    expect(s.unmatched).toEqual([]);
    expect(byName(s, 'D-100.dcm')!.message).toMatch(/Jane Doe \(D-100\), registered from the DICOM header/);
    expect(images()).toBe(3);
    expect(await dispatch('watch:dismiss', { fileId: dicom.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('reports a folder that disappears and picks it up again when it comes back', async () => {
    const away = path.join(outside.dir, 'unplugged');
    renameSync(folder, away);
    const missing = await until((s) => s.state === 'missing', 'missing');
    expect(missing.message).toMatch(/is not there/);
    renameSync(away, folder);
    await until((s) => s.state === 'watching', 'watching again');
    copyFileSync(path.join(ORIGINALS_DIR, '15_left.jpeg'), path.join(folder, '10_right.jpeg'));
    await until(
      (s) => byName(s, '10_right.jpeg')?.status === 'imported',
      'the import after the folder came back',
    );
    expect(images()).toBe(4);
  });

  it('imports nothing twice across a restart', async () => {
    await ctx.close();
    ctx = open();
    dispatch = staffDispatch(ctx);
    await ctx.grading.ready;
    await until((s) => s.state === 'watching', 'watching after the restart');
    await new Promise((r) => setTimeout(r, 1500));
    await until(() => true, 'idle');
    expect(images()).toBe(4);
  });
});
