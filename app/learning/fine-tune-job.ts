import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FineTuneJob } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import type { LocalFineTuneOptions } from '../../training/local/fine-tune-local.ts';
import type { FineTuneWorkerInput } from './fine-tune-worker.ts';

/** How long a cancelled fine-tune has to stop by itself before its thread is terminated. */
const CANCEL_GRACE_MS = 30_000;

/** No fine-tune has run in this process. */
export const IDLE_JOB: FineTuneJob = {
  state: 'idle',
  stage: null,
  done: 0,
  total: 0,
  startedAt: null,
  etaSeconds: null,
  by: null,
  candidateId: null,
  message: null,
};

type WorkerMessage =
  | { type: 'progress'; stage: NonNullable<FineTuneJob['stage']>; done: number; total: number }
  | { type: 'done' }
  | { type: 'failed'; message: string };

/** The worker's entry: bundled beside main in packaged builds, the TypeScript source (through tsx) otherwise. */
function startWorker(input: FineTuneWorkerInput, bundled?: string): Worker {
  if (bundled) return new Worker(bundled, { workerData: input });
  const entry = fileURLToPath(new URL('./fine-tune-worker.ts', import.meta.url));
  return new Worker(new URL('../../model/worker/ts-worker-bootstrap.mjs', import.meta.url), {
    workerData: { ...input, tsEntry: new URL(`file://${entry}`).href },
  });
}

/**
 * One background fine-tune at a time, in a worker thread: progress with an estimate of the time left, and
 * Cancel, which stops the worker and removes the half-written candidate (the grading model is never touched).
 */
export class FineTuneJobs {
  private job: FineTuneJob = IDLE_JOB;
  private worker: Worker | null = null;
  private outDir: string | null = null;
  private stageStarted = 0;
  private finished: Promise<void> = Promise.resolve();

  constructor(private readonly bundledWorker?: string) {}

  status(): FineTuneJob {
    return this.job;
  }

  /** Resolves when the running job (if any) has ended. */
  idle(): Promise<void> {
    return this.finished;
  }

  /** `onDone` runs once the candidate is written (the gate's verdict goes to the audit log there). */
  start(
    input: FineTuneWorkerInput & { options: Omit<LocalFineTuneOptions, 'onProgress' | 'signal'> },
    by: string,
    onDone?: (candidateId: string) => void,
  ): FineTuneJob {
    if (this.job.state === 'running') throw new AppError('CONFLICT', 'A fine-tune is already running.');
    this.outDir = input.options.outDir;
    this.job = {
      ...IDLE_JOB,
      state: 'running',
      startedAt: new Date().toISOString(),
      by,
      message: 'Starting…',
    };
    this.stageStarted = performance.now();
    const worker = startWorker(input, this.bundledWorker);
    this.worker = worker;
    this.finished = new Promise<void>((resolve) => {
      worker.on('message', (m: WorkerMessage) => {
        // After a cancel the worker's last words (its abort, or a finish in the same moment) change nothing.
        if (this.job.state !== 'running') return;
        if (m.type === 'progress') {
          if (m.stage !== this.job.stage) this.stageStarted = performance.now();
          const elapsed = (performance.now() - this.stageStarted) / 1000;
          const eta = m.done > 0 && m.done < m.total ? (elapsed / m.done) * (m.total - m.done) : null;
          this.job = {
            ...this.job,
            stage: m.stage,
            done: m.done,
            total: m.total,
            etaSeconds: eta,
            message: null,
          };
        } else if (m.type === 'done') {
          this.job = {
            ...this.job,
            state: 'done',
            etaSeconds: null,
            candidateId: path.basename(this.outDir!),
            message: null,
          };
          try {
            onDone?.(this.job.candidateId!);
          } catch (error) {
            console.error('The fine-tune finished, but what follows it failed', error);
          }
        } else this.job = { ...this.job, state: 'failed', etaSeconds: null, message: m.message };
      });
      worker.on('error', (error) => {
        if (this.job.state !== 'running') return;
        this.job = { ...this.job, state: 'failed', etaSeconds: null, message: error.message };
      });
      worker.on('exit', () => {
        if (this.job.state === 'running')
          this.job = {
            ...this.job,
            state: 'failed',
            etaSeconds: null,
            message: 'The fine-tune stopped unexpectedly.',
          };
        this.worker = null;
        resolve();
      });
    });
    return this.job;
  }

  async cancel(): Promise<FineTuneJob> {
    const worker = this.worker;
    if (!worker || this.job.state !== 'running') throw new AppError('CONFLICT', 'No fine-tune is running.');
    this.job = {
      ...this.job,
      state: 'cancelled',
      etaSeconds: null,
      message: 'Cancelled: no candidate was made.',
    };
    // Asked to stop between two photographs, it ends by itself; terminating a thread inside ONNX Runtime's native
    // code can bring the whole process down, so that is only the last resort for a worker that does not answer.
    worker.postMessage({ type: 'cancel' });
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      this.finished.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CANCEL_GRACE_MS))),
    ]);
    clearTimeout(timer);
    if (!answered) await worker.terminate();
    await this.finished;
    // The candidate is written beside its folder and renamed at the very end: remove whatever was begun.
    if (this.outDir) {
      await rm(`${this.outDir}.partial`, { recursive: true, force: true });
      await rm(this.outDir, { recursive: true, force: true });
    }
    return this.job;
  }

  async close(): Promise<void> {
    if (this.worker) await this.cancel().catch(() => undefined);
  }
}
