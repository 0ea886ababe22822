// The load-time check of a model's ONNX file against its tfjs weights. Check inputs are made from a seed (no
// photograph is stored in a model folder): fundus-sized discs of smooth colour patterns with fine noise, on the
// background grey the preprocessing gives. tfjs's pooled features for them are stored in onnx-check.json when the
// ONNX file is made; ONNX Runtime must reproduce them before it may grade.

export interface OnnxCheck {
  seed: number;
  count: number;
  size: number;
  /** Pooled last feature maps per check input, as tfjs computed them. */
  pooled: number[][];
  madeBy: string;
}

/** `count` check inputs of size × size × 3 floats in [0, 1], one after another. */
export function checkInputs(check: Pick<OnnxCheck, 'seed' | 'count'>, size: number): Float32Array {
  const out = new Float32Array(check.count * size * size * 3);
  let state = check.seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const c = size / 2;
  const r = c * 0.95;
  for (let n = 0; n < check.count; n++) {
    const f = Array.from({ length: 12 }, () => random());
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const at = ((n * size + y) * size + x) * 3;
        const inside = (x + 0.5 - c) ** 2 + (y + 0.5 - c) ** 2 <= r * r;
        for (let ch = 0; ch < 3; ch++) {
          const wave =
            Math.sin((x / size) * (3 + 20 * f[ch]!) + 6 * f[ch + 3]!) *
            Math.cos((y / size) * (3 + 20 * f[ch + 6]!) + 6 * f[ch + 9]!);
          out[at + ch] = inside ? Math.min(1, Math.max(0, 0.5 + 0.3 * wave + 0.15 * (random() - 0.5))) : 0.5;
        }
      }
  }
  return out;
}

/** Mean over the spatial positions of NHWC feature maps: [n × C]. */
export function poolFeatureMaps(features: { data: Float32Array; dims: readonly number[] }): Float32Array {
  const [n, h, w, c] = features.dims as [number, number, number, number];
  const pooled = new Float32Array(n * c);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < h * w; p++) {
      const o = (b * h * w + p) * c;
      for (let k = 0; k < c; k++) pooled[b * c + k]! += features.data[o + k]! / (h * w);
    }
  return pooled;
}
