import { argmax, referableProbability } from '../../domain/grades.ts';
import { loadDrModel, type EngineChoice } from './engine.ts';
import { renderHeatmapPng } from './heatmap.ts';
import { preprocess } from '../preprocess/preprocess.ts';
import { assessQuality } from '../quality/quality.ts';
import { NOT_ASSESSED, type MaculopathyOutcome } from '../../domain/maculopathy.ts';
import { assessMaculopathy } from '../maculopathy/assess.ts';
import { readMaculopathyHeadFor } from '../maculopathy/head.ts';
import type { GradedImage, ModelInfo } from './types.ts';

/** Grades photographs with one model on this thread's backend. */
export interface Grader {
  readonly model: ModelInfo;
  readonly backend: string;
  /** Why the fastest engine is not running (null when it is). */
  readonly engineNote: string | null;
  /** The model's operating point for referable DR, from its metadata. */
  readonly referableThreshold: number | null;
  grade(bytes: Uint8Array): Promise<GradedImage>;
  dispose(): void;
}

export interface GraderOptions {
  /** Compute a class activation map with each grade (true unless set false; the bench times both). */
  heatmap?: boolean;
  /** The engine (default: EYENET_BACKEND, else the fastest that loads). */
  engine?: EngineChoice;
}

export async function createGrader(modelDir: string, options: GraderOptions = {}): Promise<Grader> {
  const { model, note } = await loadDrModel(modelDir, options.engine);
  const backend = model.backend;
  // A head fitted on another model's referable logit would read a different input: it does not run then.
  const maculopathyHead = await readMaculopathyHeadFor(modelDir, model.metadata);
  return {
    model: model.info,
    backend,
    engineNote: note,
    referableThreshold: model.metadata.operatingPoint?.threshold ?? null,
    async grade(bytes) {
      const start = performance.now();
      const pre = await preprocess(bytes, model.metadata.inputSize);
      const tq = performance.now();
      const quality = assessQuality(pre);
      const qualityMs = performance.now() - tq;
      let probabilities: number[] | null = null;
      let heatmapPng: Uint8Array | null = null;
      let inferenceMs = 0;
      let heatmapMs = 0;
      let maculopathy: MaculopathyOutcome = NOT_ASSESSED;
      let maculopathyEvidencePng: Uint8Array | null = null;
      // The quality gate comes first: an ungradable photograph never reaches the model, so it can never get a grade.
      if (quality.gradable) {
        const t = performance.now();
        const prediction = await model.predict(pre.pixels, { heatmap: options.heatmap ?? true });
        probabilities = prediction.probabilities;
        inferenceMs = performance.now() - t;
        if (prediction.heatmap) {
          heatmapPng = await renderHeatmapPng(prediction.heatmap, model.metadata.inputSize);
          heatmapMs = performance.now() - t - inferenceMs;
        }
        if (maculopathyHead) {
          const assessed = assessMaculopathy(
            maculopathyHead,
            pre.canonical,
            referableProbability(probabilities),
          );
          maculopathy = assessed.outcome;
          if (assessed.evidence && options.heatmap !== false)
            maculopathyEvidencePng = await renderHeatmapPng(assessed.evidence, model.metadata.inputSize);
        }
      }
      return {
        quality,
        grade: probabilities ? argmax(probabilities) : null,
        probabilities,
        referableProbability: probabilities ? referableProbability(probabilities) : null,
        referableThreshold: model.metadata.operatingPoint?.threshold ?? null,
        maculopathy,
        model: model.info,
        backend,
        timings: {
          decodeMs: pre.decodeMs,
          preprocessMs: pre.preprocessMs,
          qualityMs,
          inferenceMs,
          heatmapMs,
          totalMs: performance.now() - start,
        },
        heatmapPng,
        maculopathyEvidencePng,
        width: pre.decoded.width,
        height: pre.decoded.height,
        mimeType: pre.decoded.mimeType,
        previewPng: pre.previewPng,
        thumbnailJpeg: pre.thumbnailJpeg,
      };
    },
    dispose() {
      model.dispose();
    },
  };
}
