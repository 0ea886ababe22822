import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The order we try backends in: native TensorFlow where it installed, then WebAssembly, then plain JS. */
export const BACKEND_PREFERENCE: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let chosen: Promise<string> | null = null;

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      // Optional dependency: present only where its install could fetch libtensorflow.
      const nodeBackend = '@tensorflow/tfjs-node';
      await import(/* @vite-ignore */ nodeBackend);
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    }
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

function parsePreference(value: string | undefined): BackendName[] {
  // 'auto' and 'onnx' choose the ONNX Runtime engine (engine.ts); tfjs, where it is used, takes its fastest.
  if (!value || value === 'auto' || value === 'onnx') return [...BACKEND_PREFERENCE];
  const forced = value.split(',').map((v) => v.trim());
  const valid = forced.filter((v): v is BackendName => (BACKEND_PREFERENCE as readonly string[]).includes(v));
  if (valid.length === 0) throw new Error(`EYENET_BACKEND="${value}" names no known backend.`);
  return valid;
}

/**
 * Chooses the fastest backend that works on this machine, once per thread, and reports it.
 * `EYENET_BACKEND=wasm` (or a comma list) narrows the choice, e.g. for benchmarks.
 */
export function initBackend(
  preference: readonly BackendName[] = parsePreference(process.env.EYENET_BACKEND),
): Promise<string> {
  chosen ??= (async () => {
    for (const name of preference) {
      if (await tryBackend(name)) {
        await tf.ready();
        return tf.getBackend();
      }
    }
    throw new Error(`No TensorFlow.js backend could start (tried ${preference.join(', ')}).`);
  })();
  return chosen;
}
