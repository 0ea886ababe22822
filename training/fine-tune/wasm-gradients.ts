// Gradient kernels the WebAssembly backend of tfjs 4.22 lacks, so that convolutions can be trained on it:
// Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput. Each is
// composed from kernels wasm has (strided slice, matrix multiply, multiply, sum, pad, reshape), and is checked
// against the cpu backend's own kernels in wasm-gradients.test.ts.
import * as tf from '@tensorflow/tfjs';
// The wasm kernels must be registered before ours, so the Conv2DBackpropInput override below can wrap them.
import '@tensorflow/tfjs-backend-wasm';

type Pad = 'valid' | 'same' | number | 'explicit' | number[][];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  dimRoundingMode?: Rounding;
  explicitPaddings?: number[][];
}

const pair = (v: number | [number, number] | undefined): [number, number] =>
  v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v;

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/**
 * A Tensor over a kernel input, for composing the kernel from ops. The backend's reference count goes up
 * first: disposing the wrapper (at the end of the tidy) must not free the caller's data.
 */
function toTensor(info: tf.TensorInfo, backend: unknown): tf.Tensor {
  (backend as { incRef(dataId: object): void }).incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, depthwise: boolean) {
  const pad = attrs.pad === 'explicit' ? (attrs.explicitPaddings as unknown as Pad) : attrs.pad;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    pair(attrs.strides),
    pair(attrs.dilations),
    pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode,
    depthwise,
  );
}

/**
 * Hands a result computed from ops back to the engine as plain TensorInfo: the engine then tracks it exactly
 * once, and the op-level Tensor is disposed without freeing the data (its reference count was raised).
 */
function toOutput(out: tf.Tensor, backend: unknown): tf.TensorInfo {
  (backend as { incRef(dataId: object): void }).incRef(out.dataId);
  const info = { dataId: out.dataId, shape: out.shape, dtype: out.dtype };
  out.dispose();
  return info;
}

/**
 * A kernel written with ops: its inputs arrive as op-level Tensors (see toTensor), the ops run inside a tidy,
 * and the result goes back as TensorInfo (see toOutput). The reference-count handling lives only here.
 */
function composedKernel(
  body: (inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap) => tf.Tensor,
): (args: KernelArgs) => tf.TensorInfo {
  return ({ inputs, backend, attrs }) => {
    const out = tf.tidy(() => {
      const tensors = Object.fromEntries(
        Object.entries(inputs).map(([name, info]) => [name, toTensor(info as tf.TensorInfo, backend)]),
      );
      return body(tensors, attrs ?? {});
    });
    return toOutput(out, backend);
  };
}

function isPointwise(info: tf.backend_util.Conv2DInfo): boolean {
  const p = info.padInfo;
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    !p.top &&
    !p.bottom &&
    !p.left &&
    !p.right
  );
}

/** The input, padded as the forward convolution padded it. */
function padInput(x: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { top, bottom, left, right } = info.padInfo;
  return top || bottom || left || right
    ? tf.pad(x, [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ])
    : x;
}

/** The input values each filter tap (i, j) saw: [N, outH, outW, C]. */
function tapSlice(xPad: tf.Tensor4D, info: tf.backend_util.Conv2DInfo, i: number, j: number): tf.Tensor4D {
  const {
    strideHeight: sh,
    strideWidth: sw,
    dilationHeight: dh,
    dilationWidth: dw,
    outHeight,
    outWidth,
  } = info;
  const [n, , , c] = xPad.shape;
  return tf.stridedSlice(
    xPad,
    [0, i * dh, j * dw, 0],
    [n, i * dh + sh * (outHeight - 1) + 1, j * dw + sw * (outWidth - 1) + 1, c],
    [1, sh, sw, 1],
  ) as tf.Tensor4D;
}

const conv2DBackpropFilter = composedKernel((inputs, attrs) => {
  const a = attrs as unknown as ConvAttrs & {
    filterShape: [number, number, number, number];
    dataFormat?: string;
  };
  if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (wasm): only NHWC');
  const x = inputs.x as tf.Tensor4D;
  const dy = inputs.dy as tf.Tensor4D;
  const [fh, fw, c, o] = a.filterShape;
  const info = convInfo(x.shape, a.filterShape, a, false);
  if (isPointwise(info)) {
    // 1×1, stride 1 (every MobileNet expand/project layer): dW = Σ_positions x ⊗ dy, computed as one
    // ordinary convolution (XNNPACK-fast on wasm) of x's channels with dy as a position-sized filter.
    const [n, h, w] = x.shape;
    const xT = tf.transpose(x, [3, 0, 1, 2]).reshape([c, n * h, w, 1]) as tf.Tensor4D;
    const dyFilter = dy.reshape([n * h, w, 1, o]) as tf.Tensor4D;
    return tf.conv2d(xT, dyFilter, 1, 'valid').reshape([1, 1, c, o]);
  }
  const rows = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const dy2 = dy.reshape([rows, o]);
  const xPad = padInput(x, info);
  const taps: tf.Tensor2D[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      // dW[i, j] = Σ over batch and output positions of x(tap) ⊗ dy: one matrix product per tap.
      taps.push(tf.matMul(tapSlice(xPad, info, i, j).reshape([rows, c]), dy2, true, false));
    }
  }
  return tf.stack(taps).reshape([fh, fw, c, o]);
});

const depthwiseBackpropFilter = composedKernel((inputs, attrs) => {
  const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  const x = inputs.x as tf.Tensor4D;
  const dy = inputs.dy as tf.Tensor4D;
  const [fh, fw, c, m] = a.filterShape;
  const info = convInfo(x.shape, a.filterShape, a, true);
  const [n, oh, ow] = dy.shape;
  const xPad = padInput(x, info);
  if (m === 1 && info.dilationHeight === 1 && info.dilationWidth === 1) {
    // dW[i, j, c] = Σ_n,y,x xPad[n, s·y + i, s·x + j, c] · dy[n, y, x, c]: a depthwise correlation of xPad with
    // dy as the filter, dilated by the stride, batch folded into channels (then summed out).
    const [, hp, wp] = xPad.shape;
    const xT = tf.transpose(xPad, [1, 2, 0, 3]).reshape([1, hp, wp, n * c]) as tf.Tensor4D;
    const dyFilter = tf.transpose(dy, [1, 2, 0, 3]).reshape([oh, ow, n * c, 1]) as tf.Tensor4D;
    const full = tf.depthwiseConv2d(xT, dyFilter, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
    return full
      .slice([0, 0, 0, 0], [1, fh, fw, n * c])
      .reshape([fh, fw, n, c])
      .sum(2)
      .reshape([fh, fw, c, 1]);
  }
  const dy5 = dy.reshape([n, oh, ow, c, m]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      taps.push(tf.sum(tf.mul(tapSlice(xPad, info, i, j).expandDims(4), dy5), [0, 1, 2]));
    }
  }
  return tf.stack(taps).reshape([fh, fw, c, m]);
});

/**
 * Puts stride − 1 zeros after every row and column of an output-sized gradient, [n, oh, ow, c] →
 * [n, oh·sh, ow·sw, c]: where a strided convolution skipped input positions, nothing flows back.
 */
function spreadByStride(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [n, oh, ow, c] = t.shape;
  return t
    .reshape([n, oh, 1, ow, 1, c])
    .pad([
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ])
    .reshape([n, oh * sh, ow * sw, c]);
}

const depthwiseBackpropInput = composedKernel((inputs, attrs) => {
  const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
  const dy = inputs.dy as tf.Tensor4D;
  const filter = inputs.filter as tf.Tensor4D;
  const [fh, fw, c, m] = filter.shape;
  const info = convInfo(a.inputShape, filter.shape, a, true);
  const [n, h, w] = a.inputShape;
  const { top, bottom, left, right } = info.padInfo;
  const {
    strideHeight: sh,
    strideWidth: sw,
    dilationHeight: dh,
    dilationWidth: dw,
    outHeight: oh,
    outWidth: ow,
  } = info;
  const hp = h + top + bottom;
  const wp = w + left + right;
  if (m === 1 && dh === 1 && dw === 1) {
    // dxPad = full correlation of dy (spread out by the stride) with the filter turned by 180°.
    const spread =
      sh > 1 || sw > 1
        ? spreadByStride(dy, sh, sw).slice([0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c])
        : dy;
    const flipped = tf.reverse(filter, [0, 1]) as tf.Tensor4D;
    const padded = spread.pad([
      [0, 0],
      [fh - 1, fh - 1],
      [fw - 1, fw - 1],
      [0, 0],
    ]) as tf.Tensor4D;
    let dxPad = tf.depthwiseConv2d(padded, flipped, 1, 'valid');
    const [, rows, cols] = dxPad.shape;
    if (rows < hp || cols < wp)
      dxPad = dxPad.pad([
        [0, 0],
        [0, hp - rows],
        [0, wp - cols],
        [0, 0],
      ]);
    return dxPad.slice([0, top, left, 0], [n, h, w, c]);
  }
  const dy5 = dy.reshape([n, oh, ow, c, m]);
  let dxPad: tf.Tensor4D = tf.zeros([n, hp, wp, c]);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      // What tap (i, j) sends back to each input position: dy · w[i, j], spread out by the stride.
      let part = tf.sum(
        tf.mul(dy5, filter.slice([i, j, 0, 0], [1, 1, c, m]).reshape([c, m])),
        4,
      ) as tf.Tensor4D;
      if (sh > 1 || sw > 1) part = spreadByStride(part, sh, sw);
      const rowsAfter = hp - i * dh - part.shape[1];
      const colsAfter = wp - j * dw - part.shape[2];
      let placed = part.pad([
        [0, 0],
        [i * dh, Math.max(0, rowsAfter)],
        [j * dw, Math.max(0, colsAfter)],
        [0, 0],
      ]);
      if (rowsAfter < 0 || colsAfter < 0) placed = placed.slice([0, 0, 0, 0], [n, hp, wp, c]);
      dxPad = dxPad.add(placed);
    }
  }
  return dxPad.slice([0, top, left, 0], [n, h, w, c]);
});

/** dx of a 1×1, stride-1 convolution: a forward convolution with the filter's in/out channels swapped. */
const pointwiseBackpropInput = composedKernel(({ dy, filter }) =>
  tf.conv2d(dy as tf.Tensor4D, tf.transpose(filter!, [0, 1, 3, 2]) as tf.Tensor4D, 1, 'valid'),
);

/**
 * wasm has Conv2DBackpropInput, but its generic path is ~15× slower than a forward convolution. For 1×1,
 * stride 1 it is exactly a forward convolution with the filter's channels swapped; other shapes keep the
 * original kernel.
 */
function conv2DBackpropInputWith(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const a = args.attrs as unknown as ConvAttrs & {
      inputShape: [number, number, number, number];
      dataFormat?: string;
    };
    const filterInfo = args.inputs.filter!;
    const info = convInfo(a.inputShape, filterInfo.shape, a, false);
    if (!isPointwise(info) || (a.dataFormat && a.dataFormat !== 'NHWC')) return original(args as never);
    return pointwiseBackpropInput(args);
  }) as unknown as tf.KernelFunc;
}

/**
 * Gradient of FusedBatchNorm with per-channel broadcasting. tfjs's own gradient tiles mean, variance and scale
 * to the full activation shape first, which made batch norm the costliest part of a training step on wasm.
 * Same mathematics: dx = dy·s, dscale = Σ dy·(x − mean)·r, doffset = Σ dy, with r = 1/√(var + ε), s = scale·r;
 * mean and variance are moving statistics here and get the gradients of the same formula.
 */
const batchNormGradient: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const g = dy as tf.Tensor;
    const epsilon = (attrs.varianceEpsilon as number | undefined) ?? 0.001;
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    const r = () => tf.rsqrt(tf.add(variance, epsilon));
    const s = () => (scale ? tf.mul(scale, r()) : r());
    return {
      x: () => tf.mul(g, s()),
      mean: () => tf.neg(tf.sum(tf.mul(g, s()), axes)).reshape(mean.shape),
      variance: () =>
        tf
          .sum(
            tf.mul(
              tf.mul(g, tf.sub(x, mean)),
              tf.mul(-0.5, tf.mul(scale ?? 1, tf.pow(tf.add(variance, epsilon), -1.5))),
            ),
            axes,
          )
          .reshape(variance.shape),
      scale: () => tf.sum(tf.mul(tf.mul(g, tf.sub(x, mean)), r()), axes).reshape(mean.shape),
      offset: () => tf.sum(g, axes).reshape(mean.shape),
    };
  },
};

let registered = false;

/** Registers the missing gradient kernels for the wasm backend (idempotent). */
export function registerWasmGradients(): void {
  if (registered) return;
  registered = true;
  const kernels: [string, tf.KernelFunc][] = [
    ['Conv2DBackpropFilter', conv2DBackpropFilter as unknown as tf.KernelFunc],
    ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter as unknown as tf.KernelFunc],
    ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput as unknown as tf.KernelFunc],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  tf.registerGradient(batchNormGradient);
  const backpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (backpropInput) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({ ...backpropInput, kernelFunc: conv2DBackpropInputWith(backpropInput.kernelFunc) });
  }
}
