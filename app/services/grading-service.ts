import type { GradedImage, ModelInfo } from '../../model/index.ts';
import { GradingPool, type GradingPoolOptions } from '../../model/index.ts';
import { AppError } from '../../domain/errors.ts';

/**
 * The app's handle on grading. It starts the worker pool in the background so the window opens at once;
 * if the model cannot load, the app still runs (patients, records) and says why grading is unavailable.
 */
export class GradingService {
  private pool: GradingPool | null = null;
  private failure: string | null = null;
  /** Grades each pool is working on: a pool replaced by switchModel closes only once its own are done. */
  private readonly working = new Map<GradingPool, Set<Promise<unknown>>>();
  private currentDir: string | null = null;
  readonly ready: Promise<void>;

  constructor(private readonly options: GradingPoolOptions) {
    this.ready = GradingPool.start(options).then(
      (pool) => {
        this.pool = pool;
      },
      (error: unknown) => {
        this.failure = error instanceof Error ? error.message : String(error);
      },
    );
  }

  get model(): ModelInfo | null {
    return this.pool?.model ?? null;
  }

  /** The folder of the model grading now (it changes when a model is promoted or rolled back). */
  get modelDir(): string {
    return this.currentDir ?? this.options.modelDir;
  }

  get backend(): string | null {
    return this.pool?.backend ?? null;
  }

  /** Why the fastest engine is not the one grading (null when it is, or nothing loaded). */
  get engineNote(): string | null {
    return this.pool?.engineNote ?? null;
  }

  /** The model's operating point (from its metadata), null when it has none or did not load. */
  get referableThreshold(): number | null {
    return this.pool?.referableThreshold ?? null;
  }

  get error(): string | null {
    return this.failure;
  }

  async grade(bytes: Uint8Array): Promise<GradedImage> {
    await this.ready;
    const pool = this.pool;
    if (!pool)
      throw new AppError('MODEL_UNAVAILABLE', `Grading is unavailable: ${this.failure ?? 'unknown error'}`);
    const jobs = this.working.get(pool) ?? new Set<Promise<unknown>>();
    this.working.set(pool, jobs);
    const job = pool.grade(bytes);
    jobs.add(job);
    try {
      return await job;
    } finally {
      jobs.delete(job);
    }
  }

  /**
   * Grades with the model in `modelDir` from now on. The new model loads first, while the old one keeps grading;
   * a model that cannot load throws and changes nothing. Photographs already being graded finish on the old one.
   */
  async switchModel(modelDir: string): Promise<void> {
    await this.ready;
    const next = await GradingPool.start({ ...this.options, modelDir });
    const old = this.pool;
    this.pool = next;
    this.currentDir = modelDir;
    this.failure = null;
    if (!old) return;
    await Promise.allSettled([...(this.working.get(old) ?? [])]);
    this.working.delete(old);
    await old.close();
  }

  async close(): Promise<void> {
    await this.ready;
    await this.pool?.close();
  }
}
