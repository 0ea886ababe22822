import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referableProbability } from '../../domain/grades.ts';
import { createGrader, type Grader } from '../inference/grader.ts';
import { activeModelDir, sharedDataDir } from '../inference/model-paths.ts';
import { preprocess } from '../preprocess/preprocess.ts';
import { assessMaculopathy } from './assess.ts';
import { MACULOPATHY_HEAD_FILE, readMaculopathyHead } from './head.ts';

const SRAHIM = path.join(sharedDataDir(), 'srahim-dev');
const labels = readFileSync(path.join(SRAHIM, 'maculopathy.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const withMaculopathy = labels.filter(([, v]) => v === '1').map(([n]) => n!);
const photo = (name: string) => new Uint8Array(readFileSync(path.join(SRAHIM, 'images', `${name}.jpeg`)));

const work = mkdtempSync(path.join(os.tmpdir(), 'eyenet-macula-'));
/** The active model folder as links to its files, with its maculopathy head replaced by `head` (or left out). */
function variant(name: string, head: unknown): string {
  const dir = path.join(work, name);
  const from = activeModelDir();
  mkdirSync(dir);
  for (const file of readdirSync(from))
    if (file !== MACULOPATHY_HEAD_FILE) symlinkSync(path.join(from, file), path.join(dir, file));
  if (head !== null) writeFileSync(path.join(dir, MACULOPATHY_HEAD_FILE), JSON.stringify(head));
  return dir;
}

let grader: Grader;
beforeAll(async () => {
  grader = await createGrader(activeModelDir());
});
afterAll(() => {
  grader.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('the maculopathy head (issue #23)', () => {
  it('ships with the active model, fitted on its own referable logit, with its cross-validated figures', async () => {
    const head = (await readMaculopathyHead(activeModelDir()))!;
    expect(head.fittedOn).toEqual({ name: grader.model.name, version: grader.model.version });
    expect(head.crossValidation).toMatchObject({ set: 'srahim-dev', folds: 5 });
    expect(head.crossValidation.auc).toBeGreaterThan(0.5);
  });

  it('assesses a gradable photograph beside the grade: the probability the head gives, the flag at its point, the evidence map', async () => {
    const name = withMaculopathy[0]!;
    const graded = await grader.grade(photo(name));
    expect(graded.quality.gradable).toBe(true);
    const m = graded.maculopathy!;
    if (m.status !== 'assessed') throw new Error(`not assessed: ${m.status}`);
    const head = (await readMaculopathyHead(activeModelDir()))!;
    // The same inputs computed here give the same probability: the grader adds nothing of its own.
    const pre = await preprocess(photo(name), 256);
    const direct = assessMaculopathy(head, pre.canonical, referableProbability(graded.probabilities!));
    expect(direct.outcome).toMatchObject({
      status: 'assessed',
      probability: expect.closeTo(m.probability, 6),
    });
    expect(m.flagged).toBe(m.probability >= head.threshold);
    expect(m.threshold).toBe(head.threshold);
    expect(await sharp(graded.maculopathyEvidencePng!).metadata()).toMatchObject({ width: 256, channels: 4 });
  });

  it('does not run a head fitted on another model, and says not assessed without one', async () => {
    const head = JSON.parse(readFileSync(path.join(activeModelDir(), MACULOPATHY_HEAD_FILE), 'utf8'));
    for (const dir of [
      variant('other', { ...head, fittedOn: { ...head.fittedOn, version: '0.0.1' } }),
      variant('none', null),
    ]) {
      const other = await createGrader(dir);
      const graded = await other.grade(photo(withMaculopathy[0]!));
      other.dispose();
      expect(graded.grade).not.toBeNull();
      expect(graded.maculopathy).toEqual({ status: 'not_assessed' });
      expect(graded.maculopathyEvidencePng).toBeNull();
    }
  });

  it('refuses a damaged head file in a sentence', async () => {
    const head = JSON.parse(readFileSync(path.join(activeModelDir(), MACULOPATHY_HEAD_FILE), 'utf8'));
    const dir = variant('damaged', { ...head, model: { ...head.model, weights: [1, 2] } });
    await expect(readMaculopathyHead(dir)).rejects.toThrow(/does not take 5 inputs/);
  });

  it('gives no maculopathy for an ungradable photograph', async () => {
    const black = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    const graded = await grader.grade(new Uint8Array(black));
    expect(graded.quality.gradable).toBe(false);
    expect(graded.maculopathy).toEqual({ status: 'not_assessed' });
  });
});
