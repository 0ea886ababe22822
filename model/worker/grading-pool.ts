import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../domain/errors.ts';
import type { GradedImage, ModelInfo } from '../inference/types.ts';
import type { EngineChoice } from '../inference/engine.ts';
import type { WorkerFailure, WorkerInit, WorkerMessage } from './messages.ts';

export interface GradingPoolOptions {
  modelDir: string;
  /** Worker threads; each owns a backend and a copy of the model. Defaults to 1. */
  size?: number;
  /** The engine each worker loads the model on (default: EYENET_BACKEND, else the fastest that loads). */
  engine?: EngineChoice;
  /** The worker entry. From source it is the .ts file (run through tsx); the Electron build passes its bundle. */
  workerScript?: string;
}

interface Job {
  id: number;
  resolve(value: GradedImage): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  alive: boolean;
}

function rebuildError(failure: WorkerFailure): Error {
  if (failure.code === 'IMAGE_UNREADABLE' || failure.code === 'IMAGE_TOO_LARGE') {
    return new AppError(failure.code, failure.message);
  }
  const error = new Error(failure.message);
  error.name = failure.name;
  return error;
}

export function defaultWorkerScript(): string {
  return fileURLToPath(new URL('./grading-worker.ts', import.meta.url));
}

export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism());
}

/** A fixed set of grading worker threads; jobs go to the least busy one. */
export class GradingPool {
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly slots: Slot[],
    private readonly script: string,
    private readonly init: WorkerInit,
    readonly model: ModelInfo,
    readonly backend: string,
    /** Why the fastest engine is not the one running (null when it is). */
    readonly engineNote: string | null,
    readonly referableThreshold: number | null,
  ) {}

  static async start(options: GradingPoolOptions): Promise<GradingPool> {
    const script = options.workerScript ?? defaultWorkerScript();
    const size = Math.max(1, options.size ?? 1);
    const init: WorkerInit = { modelDir: options.modelDir, engine: options.engine };
    const started = await Promise.allSettled(Array.from({ length: size }, () => startWorker(script, init)));
    const slots = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(slots.map((s) => s.slot.worker.terminate()));
      throw failure.reason;
    }
    const first = slots[0]!;
    const pool = new GradingPool(
      slots.map((s) => s.slot),
      script,
      init,
      first.model,
      first.backend,
      first.engineNote,
      first.referableThreshold,
    );
    for (const slot of pool.slots) pool.watch(slot);
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  grade(bytes: Uint8Array): Promise<GradedImage> {
    if (this.closed) return Promise.reject(new Error('The grading pool is closed.'));
    const alive = this.slots.filter((s) => s.alive);
    if (alive.length === 0) return Promise.reject(new Error('No grading worker is running.'));
    const slot = alive.reduce((best, s) => (s.jobs.size < best.jobs.size ? s : best));
    const id = this.nextId++;
    return new Promise<GradedImage>((resolve, reject) => {
      slot.jobs.set(id, { id, resolve, reject });
      slot.worker.postMessage({ id, bytes });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots) this.failAll(slot, new Error('The grading pool was closed.'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private watch(slot: Slot): void {
    slot.worker.on('message', (message: WorkerMessage) => {
      if (message.type !== 'result') return;
      const job = slot.jobs.get(message.id);
      if (!job) return;
      slot.jobs.delete(message.id);
      if (message.ok) job.resolve(message.value);
      else job.reject(rebuildError(message.error));
    });
    slot.worker.on('error', (error) => this.failAll(slot, error));
    slot.worker.on('exit', (code) => {
      if (this.closed) return;
      slot.alive = false;
      this.failAll(slot, new Error(`A grading worker stopped unexpectedly (exit code ${code}).`));
      // Replace the worker so one crash does not take grading down for the rest of the day.
      startWorker(this.script, this.init).then(
        (fresh) => {
          if (this.closed) return void fresh.slot.worker.terminate();
          slot.worker = fresh.slot.worker;
          slot.alive = true;
          this.watch(slot);
        },
        () => undefined,
      );
    });
  }

  private failAll(slot: Slot, error: Error): void {
    for (const job of slot.jobs.values()) job.reject(error);
    slot.jobs.clear();
  }
}

function startWorker(
  script: string,
  init: WorkerInit,
): Promise<{
  slot: Slot;
  model: ModelInfo;
  backend: string;
  engineNote: string | null;
  referableThreshold: number | null;
}> {
  const worker = script.endsWith('.ts')
    ? new Worker(new URL('./ts-worker-bootstrap.mjs', import.meta.url), {
        workerData: { ...init, tsEntry: pathToFileURL(script).href },
      })
    : new Worker(script, { workerData: init });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) =>
      reject(new Error(`The grading worker exited during start-up (code ${code}).`));
    worker.once('exit', onExit);
    worker.once('error', reject);
    worker.once('message', (message: WorkerMessage) => {
      worker.off('exit', onExit);
      worker.off('error', reject);
      if (message.type === 'ready') {
        resolve({
          slot: { worker, jobs: new Map(), alive: true },
          model: message.model,
          backend: message.backend,
          engineNote: message.engineNote,
          referableThreshold: message.referableThreshold,
        });
      } else if (message.type === 'init-error') {
        void worker.terminate();
        reject(rebuildError(message.error));
      }
    });
  });
}
