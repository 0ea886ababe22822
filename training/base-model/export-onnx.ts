// `npm run model:onnx -- --model DIR [--python /usr/bin/python3]`
// Maintainer's tool: gives a model folder its ONNX Runtime engine. export_onnx.py (Debian's PyTorch) writes the
// backbone, from the folder's own weights, to model.onnx; tfjs then computes the pooled features of seeded check
// inputs into onnx-check.json; last, the folder is loaded on ONNX Runtime, which must match them within 1e-4.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../../model/inference/backend.ts';
import { readModelMetadata } from '../../model/inference/metadata.ts';
import { readModelArtifacts } from '../../model/inference/model-artifacts.ts';
import { checkInputs, type OnnxCheck } from '../../model/inference/onnx-check.ts';
import { ONNX_CHECK_FILE, ONNX_FILE, loadOnnxModel } from '../../model/inference/onnx-model.ts';

const CHECK_SEED = 20261207;
const CHECK_COUNT = 2;

/** The check: tfjs's pooled last feature maps for the seeded inputs. */
export async function makeOnnxCheck(dir: string): Promise<OnnxCheck> {
  const metadata = await readModelMetadata(dir);
  if (!metadata.heatmap) throw new Error(`${dir}: the model names no feature layer (metadata.heatmap).`);
  const featureOutput = metadata.heatmap.featureOutput;
  const backend = await initBackend();
  const net = await tf.loadLayersModel(tf.io.fromMemory(await readModelArtifacts(dir)));
  const size = metadata.inputSize;
  const pooled = tf.tidy(() => {
    const input = tf.tensor4d(checkInputs({ seed: CHECK_SEED, count: CHECK_COUNT }, size), [
      CHECK_COUNT,
      size,
      size,
      3,
    ]);
    const outputs = net.predict(input) as tf.Tensor[];
    return outputs[featureOutput]!.mean([1, 2]).arraySync() as number[][];
  });
  net.dispose();
  return {
    seed: CHECK_SEED,
    count: CHECK_COUNT,
    size,
    pooled,
    madeBy: `tfjs ${tf.version.tfjs} (${backend})`,
  };
}

export async function exportOnnx(dir: string, python = '/usr/bin/python3'): Promise<void> {
  const metadata = await readModelMetadata(dir);
  if (!metadata.heatmap) throw new Error(`${dir}: the model names no feature layer (metadata.heatmap).`);
  const script = path.join(import.meta.dirname, 'export_onnx.py');
  const run = spawnSync(python, [script, dir, path.join(dir, ONNX_FILE), metadata.heatmap.featureLayer], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`export_onnx.py failed (exit ${run.status ?? run.signal}).`);
  const check = await makeOnnxCheck(dir);
  await writeFile(path.join(dir, ONNX_CHECK_FILE), `${JSON.stringify(check)}\n`);
  const model = await loadOnnxModel(dir); // refuses when ONNX Runtime does not reproduce the check
  model.dispose();
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({ options: { model: { type: 'string' }, python: { type: 'string' } } });
  if (!values.model) {
    console.error('Usage: npm run model:onnx -- --model DIR [--python /usr/bin/python3]');
    process.exit(2);
  }
  await exportOnnx(path.resolve(values.model), values.python);
  console.error(`${path.join(values.model, ONNX_FILE)} written and checked against tfjs.`);
}
