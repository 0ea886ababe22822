/** Box radius whose three passes approximate a Gaussian of standard deviation `sigma`. */
export function boxRadiusForSigma(sigma: number): number {
  return Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
}

/** One horizontal then vertical box pass with zero padding (values outside the plane count as 0). */
function boxPass(
  src: Float32Array,
  dst: Float32Array,
  tmp: Float32Array,
  w: number,
  h: number,
  r: number,
): void {
  const norm = 1 / (2 * r + 1);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let x = 0; x <= Math.min(r, w - 1); x++) sum += src[row + x]!;
    for (let x = 0; x < w; x++) {
      tmp[row + x] = sum * norm;
      const add = x + r + 1;
      const drop = x - r;
      if (add < w) sum += src[row + add]!;
      if (drop >= 0) sum -= src[row + drop]!;
    }
  }
  // The vertical pass walks rows, keeping one running sum per column: the same sums as a column-by-column
  // walk (float64, added in the same order, so identical output), reading memory in order, which is faster.
  const sums = new Float64Array(w);
  for (let y = 0; y <= Math.min(r, h - 1); y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) sums[x]! += tmp[row + x]!;
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) dst[row + x] = sums[x]! * norm;
    const add = y + r + 1;
    const drop = y - r;
    if (add < h) for (let x = 0, o = add * w; x < w; x++) sums[x]! += tmp[o + x]!;
    if (drop >= 0) for (let x = 0, o = drop * w; x < w; x++) sums[x]! -= tmp[o + x]!;
  }
}

/** Approximate Gaussian blur of one plane: three box passes, O(pixels) whatever the radius. */
export function gaussianBlur(plane: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const r = boxRadiusForSigma(sigma);
  const a = new Float32Array(plane);
  const b = new Float32Array(plane.length);
  const tmp = new Float32Array(plane.length);
  boxPass(a, b, tmp, w, h, r);
  boxPass(b, a, tmp, w, h, r);
  boxPass(a, b, tmp, w, h, r);
  return b;
}

/**
 * Local mean of `plane` over the pixels where `mask` is 1 (normalised convolution): the black surround
 * outside the fundus never darkens the mean near its rim, so the rim gets no halo.
 */
export function maskedLocalMean(
  plane: Float32Array,
  mask: Uint8Array,
  w: number,
  h: number,
  sigma: number,
  blurredMask?: Float32Array,
): Float32Array {
  const masked = new Float32Array(plane.length);
  for (let i = 0; i < plane.length; i++) masked[i] = mask[i] ? plane[i]! : 0;
  const num = gaussianBlur(masked, w, h, sigma);
  const den = blurredMask ?? gaussianBlur(Float32Array.from(mask), w, h, sigma);
  for (let i = 0; i < num.length; i++) num[i] = den[i]! > 1e-6 ? num[i]! / den[i]! : 0;
  return num;
}
