import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { FineTuneJob } from '../../contract/index.ts';
import { activeModelDir, sharedDataDir } from '../../model/inference/model-paths.ts';
import { readKaggleLabels } from '../../training/data/dataset.ts';
import { isHeldOut } from '../../training/local/split.ts';
import { FineTuneJobs } from './fine-tune-job.ts';

// The background job around the fine-tune (itself tested in training/local): a worker thread, progress with an
// estimate of the time left, and Cancel that leaves no candidate.
const SET = path.join(sharedDataDir(), 'srahim-dev');
const labelled = readKaggleLabels(path.join(SET, 'trainLabels.csv'), path.join(SET, 'images')).images;
const some = (held: boolean) => labelled.filter((i) => isHeldOut(i.patient) === held).slice(0, held ? 6 : 10);
const photographs = [...some(false), ...some(true)].map((i) => ({
  key: i.name,
  patient: i.patient,
  grade: i.level,
  file: i.file,
}));
const out = mkdtempSync(path.join(os.tmpdir(), 'eyenet-job-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const options = (id: string) => ({
  initModelDir: activeModelDir(),
  outDir: path.join(out, id),
  version: id,
  operatingPoint: null,
});

async function until(jobs: FineTuneJobs, test: (j: FineTuneJob) => boolean): Promise<FineTuneJob> {
  for (let i = 0; i < 1200; i++) {
    const job = jobs.status();
    if (test(job)) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out: ${JSON.stringify(jobs.status())}`);
}

describe('the background fine-tune', () => {
  it('runs in a worker with progress and a time estimate, and names its candidate', async () => {
    const jobs = new FineTuneJobs();
    const made: string[] = [];
    const started = jobs.start({ photographs, options: options('cand-1') }, 'Dr Lee', (id) => made.push(id));
    expect(started).toMatchObject({ state: 'running' });
    expect(() => jobs.start({ photographs, options: options('cand-2') }, 'Dr Lee')).toThrow(
      /already running/,
    );
    const midway = await until(jobs, (j) => j.stage === 'features' && j.done >= 2);
    expect(midway.total).toBe(photographs.length);
    expect(midway.etaSeconds).toBeGreaterThan(0);
    await jobs.idle();
    expect(jobs.status()).toMatchObject({ state: 'done', candidateId: 'cand-1' });
    // What follows a finished fine-tune (the gate's verdict to the audit log) runs once, with the candidate.
    expect(made).toEqual(['cand-1']);
    expect(existsSync(path.join(out, 'cand-1', 'model.json'))).toBe(true);
  });

  it('cancels: the worker stops and no candidate, whole or partial, is left', async () => {
    // Asked to stop, it stops by itself: a thread terminated inside ONNX Runtime can take the process down.
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const jobs = new FineTuneJobs();
    jobs.start({ photographs, options: options('cand-3') }, 'Dr Lee');
    await until(jobs, (j) => j.done >= 1);
    expect(await jobs.cancel()).toMatchObject({
      state: 'cancelled',
      message: 'Cancelled: no candidate was made.',
    });
    expect(terminate).not.toHaveBeenCalled();
    terminate.mockRestore();
    expect(existsSync(path.join(out, 'cand-3'))).toBe(false);
    expect(existsSync(path.join(out, 'cand-3.partial'))).toBe(false);
    await expect(jobs.cancel()).rejects.toThrow(/No fine-tune is running/);
  });
});
