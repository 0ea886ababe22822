// Grades photographs without the quality gate, in this thread: only for the eyepacs-256 internal-validation set
// (`npm run evaluate -- --internal-validation`), whose 256-px training-look copies are below the gate's resolution
// by design. The base models were chosen on this set exactly this way (finish-model.ts); the app never grades so.
import { readFile } from 'node:fs/promises';
import { loadDrModel } from '../../model/inference/engine.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import type { LabelledImage } from '../data/dataset.ts';
import type { Prediction } from './evaluation.ts';

export async function gradeUngated(
  modelDir: string,
  images: readonly LabelledImage[],
  progress: (done: number, total: number) => void = () => {},
): Promise<{ predictions: Prediction[]; backend: string }> {
  const { model } = await loadDrModel(modelDir);
  const predictions: Prediction[] = [];
  try {
    for (const image of images) {
      const pre = await preprocess(new Uint8Array(await readFile(image.file)), model.metadata.inputSize);
      const { probabilities } = await model.predict(pre.pixels);
      predictions.push({ name: image.name, level: image.level, gradable: true, probabilities });
      progress(predictions.length, images.length);
    }
  } finally {
    model.dispose();
  }
  return { predictions, backend: model.backend };
}
