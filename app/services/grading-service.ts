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
  readonly ready: Promise<void>;

  constructor(options: GradingPoolOptions) {
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

  get backend(): string | null {
    return this.pool?.backend ?? null;
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
    if (!this.pool)
      throw new AppError('MODEL_UNAVAILABLE', `Grading is unavailable: ${this.failure ?? 'unknown error'}`);
    return this.pool.grade(bytes);
  }

  async close(): Promise<void> {
    await this.ready;
    await this.pool?.close();
  }
}
