import { expect, it, vi } from 'vitest';
import { activeModelDir } from './model-paths.ts';

// A platform without ONNX Runtime's binaries (an Intel Mac), or a binding that fails to load: importing
// onnxruntime-node throws there.
vi.mock('onnxruntime-node', () => {
  throw new Error('onnxruntime_binding.node: cannot open shared object file');
});
const { loadDrModel } = await import('./engine.ts');

it('grades on tfjs-wasm when ONNX Runtime does not load, and says why', async () => {
  const { model, note } = await loadDrModel(activeModelDir(), 'auto');
  try {
    expect(model.backend).toBe('wasm');
    expect(note).toMatch(/^ONNX Runtime not used: ONNX Runtime did not load on this platform/);
    expect((await model.predict(new Float32Array(256 * 256 * 3).fill(0.5))).probabilities).toHaveLength(5);
  } finally {
    model.dispose();
  }
  await expect(loadDrModel(activeModelDir(), 'onnx')).rejects.toThrow(/did not load on this platform/);
});
