import * as tf from '@tensorflow/tfjs';
import { initBackend } from './model/backend.ts';
import { registerWasmGradients } from './model/wasm-gradients.ts';
import {
  buildHead,
  buildInferenceModel,
  buildStem,
  buildTail,
  loadMobileNetV2,
} from './training/backbone.ts';
registerWasmGradients();
console.log(await initBackend());
const bb = await loadMobileNetV2();
const stem = buildStem(bb);
const head = buildHead(1280, 1);
const tail = buildTail(bb, head);
console.log(
  'stem out',
  stem.outputs[0]!.shape,
  'tail params',
  tail.countParams(),
  'trainable',
  tail.trainableWeights.length,
);
const full = buildInferenceModel(bb, head);
const x = tf.randomUniform([2, 224, 224, 3]);
let t = performance.now();
const s = stem.predict(x) as tf.Tensor;
console.log('stem ms/img', (performance.now() - t) / 2, s.shape);
t = performance.now();
const [p, f] = tail.predict(s) as tf.Tensor[];
console.log('tail ms', performance.now() - t, p!.shape, f!.shape);
const [p2] = full.predict(x) as tf.Tensor[];
console.log('same', tf.max(tf.abs(tf.sub(p!, p2!))).dataSync());
// training step timing
const opt = tf.train.adam(1e-4);
const batch = tf.randomUniform([16, 14, 14, 96]);
const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0, 0, 0, 1, 2, 0, 0, 0, 4, 3, 0], 'int32'), 5);
for (let i = 0; i < 3; i++) {
  t = performance.now();
  const loss = opt.minimize(() => {
    const [pp] = tail.apply(batch, { training: false }) as tf.Tensor[];
    return tf.losses.softmaxCrossEntropy(y, tf.log(tf.add(pp!, 1e-7)));
  }, true);
  console.log('step ms (16)', performance.now() - t, loss!.dataSync()[0], tf.memory().numTensors);
  loss!.dispose();
}
const prof = await tf.profile(() => {
  const l = opt.minimize(() => {
    const [pp] = tail.apply(batch, { training: false }) as tf.Tensor[];
    return tf.losses.softmaxCrossEntropy(y, tf.log(tf.add(pp!, 1e-7)));
  }, true);
  l?.dataSync();
  return l!;
});
const by = new Map<string, number>();
for (const k of prof.kernels) by.set(k.name, (by.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log(
  [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([n, t]) => `${n}: ${t.toFixed(0)}`)
    .join('\n'),
);
