import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { activeModelName, projectRoot } from '../inference/model-paths.ts';
import { dicomFile } from '../testing/dicom-files.ts';
import { ORIGINALS_DIR } from '../testing/test-images.ts';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function grade(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'model/cli/grade-cli.ts', ...args],
      {
        cwd: projectRoot(),
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run grade', () => {
  it('prints one JSON line per photograph, an error line for a bad file, and exits non-zero', async () => {
    copyFileSync(path.join(ORIGINALS_DIR, '16_left.jpeg'), path.join(dir, '16_left.jpeg'));
    copyFileSync(path.join(ORIGINALS_DIR, '178_left.jpeg'), path.join(dir, 'P9_right.jpeg'));
    writeFileSync(path.join(dir, 'broken.jpeg'), 'this is not a photograph');
    writeFileSync(path.join(dir, 'notes.txt'), 'folders contribute image files only');
    const { code, stdout } = await grade([dir, '--json']);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => path.basename(l.file as string))).toEqual([
      '16_left.jpeg',
      'broken.jpeg',
      'P9_right.jpeg',
    ]);
    expect(lines[0]).toMatchObject({
      eye: 'OS',
      gradable: true,
      model: { name: activeModelName(), validated: false },
      backend: 'onnxruntime',
      ms: expect.any(Number),
    });
    expect(lines[0]?.probabilities).toHaveLength(5);
    expect(lines[1]).toMatchObject({ error: { code: 'IMAGE_UNREADABLE' } });
    expect(lines[2]).toMatchObject({ eye: 'OD', gradable: true });
    expect(code).toBe(1);
  });

  it('says plainly in human output that the placeholder model is not validated', async () => {
    const { code, stderr, stdout } = await grade([path.join(ORIGINALS_DIR, '16_left.jpeg')]);
    expect(code).toBe(0);
    expect(stderr).toContain('NOT VALIDATED');
    expect(stdout).toMatch(/16_left\.jpeg\s+OS\s+grade [0-4]/);
  });

  it('grades on the engine --backend names, and says why when ONNX Runtime cannot run the model', async () => {
    const photo = path.join(ORIGINALS_DIR, '16_left.jpeg');
    const wasm = await grade([photo, '--json', '--backend', 'wasm']);
    expect(JSON.parse(wasm.stdout)).toMatchObject({ backend: 'wasm' });
    // The placeholder has no ONNX backbone: auto falls back to tfjs and the header line says why.
    const placeholder = path.join(projectRoot(), 'resources', 'models', 'placeholder');
    const fallback = await grade([photo, '--model', placeholder]);
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toMatch(/backend wasm/);
    expect(fallback.stderr).toMatch(/ONNX Runtime not used: the model names no feature layer/);
    const refused = await grade([photo, '--backend', 'gpu']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/"gpu" is not an engine/);
  });

  it('finds photographs in sub-folders, and says so when a folder has none', async () => {
    const root = path.join(dir, 'export');
    mkdirSync(path.join(root, 'day1', 'images'), { recursive: true });
    copyFileSync(path.join(ORIGINALS_DIR, '16_left.jpeg'), path.join(root, 'day1', 'images', '16_left.jpeg'));
    const found = await grade([root, '--json']);
    expect(found.code).toBe(0);
    expect(
      found.stdout
        .trim()
        .split('\n')
        .map((l) => path.basename((JSON.parse(l) as { file: string }).file)),
    ).toEqual(['16_left.jpeg']);
    const empty = path.join(dir, 'empty');
    mkdirSync(path.join(empty, 'nested'), { recursive: true });
    writeFileSync(path.join(empty, 'nested', 'readme.txt'), 'no photographs here');
    const none = await grade([empty]);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/No photographs found in .*empty or its sub-folders/);
  });

  it('grades DICOM files, each frame, with the eye from the header', async () => {
    const root = path.join(dir, 'dicom');
    mkdirSync(root);
    const photo = new Uint8Array(readFileSync(path.join(ORIGINALS_DIR, '16_right.jpeg')));
    writeFileSync(
      path.join(root, 'camera-0001.dcm'),
      await dicomFile(photo, 1024, { frames: 2, tags: { ImageLaterality: 'R' } }),
    );
    const { code, stdout } = await grade([root, '--json']);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; eye: string; gradable: boolean });
    expect(lines.map((l) => [path.basename(l.file), l.eye])).toEqual([
      ['camera-0001.dcm [frame 1 of 2]', 'OD'],
      ['camera-0001.dcm [frame 2 of 2]', 'OD'],
    ]);
    expect(lines[0]!.gradable).toBe(true);
  });

  it('follows symbolic links to photographs and folders, and reports a loop or a dead link instead of skipping it', async () => {
    const linked = path.join(dir, 'links');
    mkdirSync(path.join(linked, 'real'), { recursive: true });
    copyFileSync(path.join(ORIGINALS_DIR, '16_left.jpeg'), path.join(linked, 'real', '16_left.jpeg'));
    symlinkSync(path.join(linked, 'real', '16_left.jpeg'), path.join(linked, 'via-link_right.jpeg'));
    symlinkSync(linked, path.join(linked, 'real', 'back-up')); // a folder link back up the tree
    symlinkSync(path.join(linked, 'loop-b.jpeg'), path.join(linked, 'loop-a.jpeg'));
    symlinkSync(path.join(linked, 'loop-a.jpeg'), path.join(linked, 'loop-b.jpeg'));
    symlinkSync(path.join(linked, 'gone.jpeg'), path.join(linked, 'dead_left.jpeg'));
    const { code, stdout } = await grade([
      linked,
      path.join(linked, 'loop-a.jpeg'),
      '--json',
      '--workers',
      '16',
    ]);
    const lines = stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { file: string; gradable?: boolean; error?: { code: string; message: string } },
      );
    const byName = (name: string) => lines.filter((l) => path.basename(l.file) === name);
    expect(byName('via-link_right.jpeg')[0]).toMatchObject({ gradable: true });
    // The folder link back up is walked once: the real photograph is graded once.
    expect(byName('16_left.jpeg')).toHaveLength(1);
    expect(byName('loop-a.jpeg').map((l) => l.error?.code)).toEqual(['LINK_LOOP', 'LINK_LOOP']);
    expect(byName('dead_left.jpeg')[0]?.error).toEqual({
      code: 'BROKEN_LINK',
      message: 'This symbolic link points to a file that is not there.',
    });
    expect(code).toBe(1);
  });
});
