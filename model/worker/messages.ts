import type { EngineChoice } from '../inference/engine.ts';
import type { GradedImage, ModelInfo } from '../inference/types.ts';

export interface WorkerInit {
  modelDir: string;
  /** The engine to load the model on (default: EYENET_BACKEND, else the fastest that loads). */
  engine?: EngineChoice;
}

export type WorkerRequest = { id: number; bytes: Uint8Array };

export interface WorkerFailure {
  name: string;
  code: string | null;
  message: string;
}

export type WorkerMessage =
  | {
      type: 'ready';
      model: ModelInfo;
      backend: string;
      engineNote: string | null;
      referableThreshold: number | null;
    }
  | { type: 'init-error'; error: WorkerFailure }
  | { type: 'result'; id: number; ok: true; value: GradedImage }
  | { type: 'result'; id: number; ok: false; error: WorkerFailure };
