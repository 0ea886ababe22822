// The engines side by side on the same preprocessed inputs, interleaved round by round so that other load on the
// machine falls on all of them alike (read the ratios): ONNX Runtime, tfjs-wasm with BatchNorm folded (the
// fallback), and tfjs-wasm on the network as stored (the engine before ONNX Runtime).
import { initBackend } from '../inference/backend.ts';
import { loadDrModel, type EngineChoice } from '../inference/engine.ts';
import { loadModel } from '../inference/load-model.ts';
import type { DrModel } from '../inference/prediction.ts';
import { maxDifference } from '../testing/compare.ts';
import { median } from './stats.ts';

export interface EngineFigures {
  engine: string;
  note: string | null;
  batch1Ms: number;
  withHeatmapMs: number;
  /** One photograph seen 8 ways (4 rotations × mirror), one after another. */
  eightViewsMs: number;
  /** Largest difference from the stored network on wasm: probabilities, heatmap values. */
  maxProbabilityDifference: number;
  maxHeatmapDifference: number;
}

/** The 8 views of an input: 4 quarter turns, each also mirrored (HWC floats). */
function views(pixels: Float32Array, size: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let turn = 0; turn < 4; turn++)
    for (const flip of [false, true]) {
      const v = new Float32Array(pixels.length);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          let sx = flip ? size - 1 - x : x;
          let sy = y;
          for (let t = 0; t < turn; t++) [sx, sy] = [sy, size - 1 - sx];
          const from = (sy * size + sx) * 3;
          const to = (y * size + x) * 3;
          v[to] = pixels[from]!;
          v[to + 1] = pixels[from + 1]!;
          v[to + 2] = pixels[from + 2]!;
        }
      out.push(v);
    }
  return out;
}

export async function benchEngines(
  modelDir: string,
  inputs: Float32Array[],
  rounds: number,
): Promise<{ engines: EngineFigures[]; ensembleMs: number | null }> {
  const size = Math.round(Math.sqrt(inputs[0]!.length / 3));
  const entries: { label: string; model: DrModel; note: string | null }[] = [];
  await initBackend(['wasm']);
  const asStored = await loadModel(modelDir, { foldBatchNorm: false }).catch(() => null);
  for (const choice of ['onnx', 'wasm'] as EngineChoice[]) {
    try {
      const { model, note } = await loadDrModel(modelDir, choice);
      entries.push({
        label: choice === 'onnx' ? model.backend : `${model.backend} (BatchNorm folded)`,
        model,
        note,
      });
    } catch (error) {
      console.error(`${choice}: not available here (${(error as Error).message})`);
    }
  }
  if (asStored) entries.push({ label: `${asStored.backend} (as stored)`, model: asStored, note: null });
  const times = entries.map(() => ({
    batch1: [] as number[],
    heatmap: [] as number[],
    views: [] as number[],
  }));
  const reference = asStored
    ? await Promise.all(inputs.map((p) => asStored.predict(p, { heatmap: true })))
    : null;
  const differences = entries.map(() => ({ p: 0, h: 0 }));
  const eight = views(inputs[0]!, size);
  for (const entry of entries) await entry.model.predict(inputs[0]!, { heatmap: true }); // warm-up
  for (let r = 0; r < rounds; r++)
    for (const [i, { model }] of entries.entries())
      for (const [k, pixels] of inputs.entries()) {
        let t = performance.now();
        await model.predict(pixels);
        times[i]!.batch1.push(performance.now() - t);
        t = performance.now();
        const withMap = await model.predict(pixels, { heatmap: true });
        times[i]!.heatmap.push(performance.now() - t);
        if (reference && r === 0) {
          differences[i]!.p = Math.max(
            differences[i]!.p,
            maxDifference(withMap.probabilities, reference[k]!.probabilities),
          );
          differences[i]!.h = Math.max(
            differences[i]!.h,
            maxDifference(withMap.heatmap?.values ?? [], reference[k]!.heatmap?.values ?? []),
          );
        }
        if (k === 0) {
          t = performance.now();
          for (const view of eight) await model.predict(view, { heatmap: true });
          times[i]!.views.push(performance.now() - t);
        }
      }
  const engines = entries.map((entry, i) => ({
    engine: entry.label,
    note: entry.note,
    batch1Ms: median(times[i]!.batch1),
    withHeatmapMs: median(times[i]!.heatmap),
    eightViewsMs: median(times[i]!.views),
    maxProbabilityDifference: differences[i]!.p,
    maxHeatmapDifference: differences[i]!.h,
  }));
  for (const entry of entries) entry.model.dispose();
  // Room for an ensemble: 3 members × 8 views on the fastest engine.
  const fastest = engines.reduce<EngineFigures | null>(
    (a, b) => (!a || b.eightViewsMs < a.eightViewsMs ? b : a),
    null,
  );
  return { engines, ensembleMs: fastest ? 3 * fastest.eightViewsMs : null };
}
