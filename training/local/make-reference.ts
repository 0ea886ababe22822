// Maintainer's tool: `npm run model:reference -- --model DIR --set LABELLED_DIR [--set ...]` writes the model's
// reference set (reference-features.json, see reference-set.ts) from public labelled camera photographs, each set a
// folder with images/ and trainLabels.csv. The features come from the model's own ONNX backbone after the app's own
// preprocessing, exactly as the local fine-tune reads a clinic's photographs.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDrModel } from '../../model/inference/engine.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import { readKaggleLabels } from '../data/dataset.ts';
import { progressBar } from '../progress.ts';
import { encodeReference, REFERENCE_FILE, type ReferenceSet } from './reference-set.ts';

const { values } = parseArgs({
  options: { model: { type: 'string' }, set: { type: 'string', multiple: true } },
});
if (!values.model || !values.set?.length) {
  console.error('Usage: npm run model:reference -- --model MODEL_DIR --set LABELLED_DIR [--set ...]');
  process.exit(2);
}
const modelDir = path.resolve(values.model);
const { model } = await loadDrModel(modelDir, 'onnx');
if (!model.pooledFeatures) throw new Error('The ONNX engine gave no pooled features.');
const size = model.metadata.inputSize;
const set: ReferenceSet = {
  source: `public EyePACS camera photographs (${values.set.map((s) => path.basename(s)).join(', ')}), graded by one EyePACS grader each`,
  names: [],
  patients: [],
  sha256: [],
  levels: [],
  features: [],
};
for (const dir of values.set) {
  const { images, missing } = readKaggleLabels(path.join(dir, 'trainLabels.csv'), path.join(dir, 'images'));
  if (missing.length) console.error(`${dir}: ${missing.length} labelled image(s) not found.`);
  const bar = progressBar(path.basename(dir).padEnd(20));
  for (const [i, image] of images.entries()) {
    const bytes = new Uint8Array(await readFile(image.file));
    const pre = await preprocess(bytes, size);
    set.names.push(image.name);
    set.patients.push(image.patient);
    set.sha256.push(createHash('sha256').update(bytes).digest('hex'));
    set.levels.push(image.level);
    set.features.push(await model.pooledFeatures(pre.pixels));
    bar(i + 1, images.length);
  }
}
model.dispose();
const out = path.join(modelDir, REFERENCE_FILE);
await writeFile(
  out,
  `${JSON.stringify(encodeReference(set, { name: model.metadata.name, version: model.metadata.version }))}\n`,
);
console.log(
  `${out}: ${set.names.length} photographs, ${set.levels.filter((l) => l >= 2).length} referable, ${set.features[0]?.length ?? 0} features each`,
);
