import type { BackendName } from './backend.ts';
import { OnnxUnavailable, loadOnnxModel } from './onnx-model.ts';
import type { DrModel } from './prediction.ts';

/** What `--backend` and EYENET_BACKEND may name: ONNX Runtime, a tfjs backend, or the fastest that loads. */
export type EngineChoice = 'auto' | 'onnx' | BackendName;
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'onnx', 'tensorflow', 'wasm', 'cpu'];

export interface LoadedModel {
  model: DrModel;
  /** Why the fastest engine is not the one running (null when it is): shown in the header line and the bench. */
  note: string | null;
}

export function parseEngineChoice(value: string | undefined): EngineChoice {
  const choice = (value ?? 'auto').trim() || 'auto';
  if (!(ENGINE_CHOICES as readonly string[]).includes(choice))
    throw new Error(`"${choice}" is not an engine; choose one of ${ENGINE_CHOICES.join(', ')}.`);
  return choice as EngineChoice;
}

/**
 * Loads a model folder on the chosen engine. `auto` tries ONNX Runtime and falls back to tfjs (tfjs-node where it
 * installed, then wasm) with a sentence saying why; `onnx` or a tfjs backend name is that engine or an error.
 */
export async function loadDrModel(
  dir: string,
  choice: EngineChoice = parseEngineChoice(process.env.EYENET_BACKEND),
): Promise<LoadedModel> {
  let note: string | null = null;
  if (choice === 'auto' || choice === 'onnx') {
    try {
      return { model: await loadOnnxModel(dir), note: null };
    } catch (error) {
      if (choice === 'onnx' || !(error instanceof OnnxUnavailable)) throw error;
      note = `ONNX Runtime not used: ${error.message}.`;
    }
  }
  // TensorFlow.js is loaded only when it is needed: a worker on ONNX Runtime never pays its memory or start-up.
  const { BACKEND_PREFERENCE, initBackend } = await import('./backend.ts');
  const { loadModel } = await import('./load-model.ts');
  await initBackend(choice === 'auto' ? BACKEND_PREFERENCE : [choice]);
  return { model: await loadModel(dir), note };
}
