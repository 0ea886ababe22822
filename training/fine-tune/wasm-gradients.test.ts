import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmGradients } from './wasm-gradients.ts';

beforeAll(async () => {
  registerWasmGradients();
  await tf.setBackend('wasm');
  await tf.ready();
});

/** Gradients of sum(f(x, w) · probe) with respect to x and w, on one backend. */
async function gradientsOn(
  backend: string,
  f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
  x: Float32Array,
  xShape: [number, number, number, number],
  w: Float32Array,
  wShape: [number, number, number, number],
) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, xShape);
    const wt = tf.tensor4d(w, wShape);
    const probe = tf.randomUniform(f(xt, wt).shape, -1, 1, 'float32', 3);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), probe)),
    )([xt, wt]);
    return [Float32Array.from(dx!.dataSync()), Float32Array.from(dw!.dataSync())];
  });
}

const random = (n: number, seed: number) =>
  tf.tidy(() => Float32Array.from(tf.randomUniform([n], -1, 1, 'float32', seed).dataSync()));

const cases: {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
}[] = [
  {
    name: 'conv 3×3 stride 1 same',
    x: [2, 7, 6, 3],
    w: [3, 3, 3, 4],
    f: (x, w) => tf.conv2d(x, w, 1, 'same'),
  },
  {
    name: 'conv 3×3 stride 2 valid',
    x: [2, 9, 8, 3],
    w: [3, 3, 3, 5],
    f: (x, w) => tf.conv2d(x, w, 2, 'valid'),
  },
  { name: 'conv 1×1 (pointwise)', x: [3, 5, 5, 8], w: [1, 1, 8, 6], f: (x, w) => tf.conv2d(x, w, 1, 'same') },
  {
    name: 'conv 3×3 stride 2 same',
    x: [1, 8, 8, 2],
    w: [3, 3, 2, 3],
    f: (x, w) => tf.conv2d(x, w, 2, 'same'),
  },
  {
    name: 'depthwise 3×3 stride 1 same',
    x: [2, 6, 7, 4],
    w: [3, 3, 4, 1],
    f: (x, w) => tf.depthwiseConv2d(x, w, 1, 'same'),
  },
  {
    name: 'depthwise 3×3 stride 2 same',
    x: [2, 8, 8, 3],
    w: [3, 3, 3, 1],
    f: (x, w) => tf.depthwiseConv2d(x, w, 2, 'same'),
  },
  {
    name: 'depthwise 3×3 stride 2 valid, odd size',
    x: [1, 9, 7, 2],
    w: [3, 3, 2, 1],
    f: (x, w) => tf.depthwiseConv2d(x, w, 2, 'valid'),
  },
  {
    name: 'depthwise multiplier 2',
    x: [1, 5, 5, 2],
    w: [3, 3, 2, 2],
    f: (x, w) => tf.depthwiseConv2d(x, w, 1, 'same'),
  },
];

describe('wasm convolution gradients', () => {
  it('registers the kernels wasm lacks', () => {
    for (const name of [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
    ]) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
  });

  it.each(cases)('$name: matches the cpu backend', async ({ x, w, f }) => {
    const xs = random(
      x.reduce((a, b) => a * b),
      1,
    );
    const ws = random(
      w.reduce((a, b) => a * b),
      2,
    );
    const [cpuDx, cpuDw] = await gradientsOn('cpu', f, xs, x, ws, w);
    const [wasmDx, wasmDw] = await gradientsOn('wasm', f, xs, x, ws, w);
    for (let i = 0; i < cpuDx!.length; i++) expect(wasmDx![i]).toBeCloseTo(cpuDx![i]!, 4);
    for (let i = 0; i < cpuDw!.length; i++) expect(wasmDw![i]).toBeCloseTo(cpuDw![i]!, 4);
  });

  it('leaks neither tensors nor data buffers', async () => {
    // The kernels hand tensors across the backend by reference count: an extra incRef leaks a data buffer
    // while the tensor count stays the same, so both are counted.
    await tf.setBackend('wasm');
    const x = tf.randomUniform([2, 6, 6, 4]);
    const w = tf.randomUniform([3, 3, 4, 1]);
    const k1 = tf.randomUniform([1, 1, 4, 8]);
    const k3 = tf.randomUniform([3, 3, 4, 8]);
    const scale = tf.randomUniform([4]);
    const offset = tf.randomUniform([4]);
    const steps = () =>
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')),
        )([x, w]);
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')),
        )([x, k1]);
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'valid')),
        )([x, k3]);
        tf.grads((a: tf.Tensor, g: tf.Tensor, o: tf.Tensor) =>
          tf.sum(tf.batchNorm(a, tf.mean(x, [0, 1, 2]), tf.ones([4]), o, g, 1e-3)),
        )([x, scale, offset]);
      });
    steps();
    const before = tf.memory();
    for (let k = 0; k < 3; k++) steps();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    tf.dispose([x, w, k1, k3, scale, offset]);
  });
});

describe('wasm gradient kernels and their inputs', () => {
  it('leave the tensors they were given intact', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomUniform([1, 6, 6, 3]) as tf.Tensor4D;
    const dy = tf.randomUniform([1, 6, 6, 3]) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, 3, 1]) as tf.Tensor4D;
    const attrs = { strides: [1, 1], pad: 'same', dilations: [1, 1] };
    tf.dispose(
      tf
        .engine()
        .runKernel(
          'DepthwiseConv2dNativeBackpropInput',
          { dy, filter: w },
          { ...attrs, inputShape: [1, 6, 6, 3] },
        ),
    );
    tf.dispose(
      tf
        .engine()
        .runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 3, 1] }),
    );
    expect(x.sum().dataSync()[0]).toBeGreaterThan(0);
    expect(dy.sum().dataSync()[0]).toBeGreaterThan(0);
    expect(w.sum().dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, dy, w]);
  });
});

describe('batch norm gradient', () => {
  it('matches the gradient of the same formula written with basic ops', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomUniform([2, 3, 3, 4], -2, 2, 'float32', 5);
    const mean = tf.randomUniform([4], -1, 1, 'float32', 6);
    const variance = tf.randomUniform([4], 0.5, 2, 'float32', 7);
    const scale = tf.randomUniform([4], 0.5, 1.5, 'float32', 8);
    const offset = tf.randomUniform([4], -1, 1, 'float32', 9);
    const probe = tf.randomUniform([2, 3, 3, 4], -1, 1, 'float32', 10);
    const fused = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) =>
      tf.sum(tf.mul(tf.batchNorm(a, m, v, o, s, 0.001), probe));
    const plain = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) =>
      tf.sum(tf.mul(tf.add(tf.mul(tf.mul(tf.sub(a, m), tf.rsqrt(tf.add(v, 0.001))), s), o), probe));
    const inputs = [x, mean, variance, scale, offset];
    const got = tf.grads(fused)(inputs);
    const want = tf.grads(plain)(inputs);
    got.forEach((g, i) => {
      const a = g.dataSync();
      const b = want[i]!.dataSync();
      for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(b[k]!, 4);
    });
  });
});
