import sharp from 'sharp';
import { gaussianBlur, maskedLocalMean } from './blur.ts';
import { decodeImage, type DecodedImage } from '../image/decode.ts';
import { findFundusCircle, type FundusCircle } from './fundus-circle.ts';
import { resizeRaw } from '../image/resize-raw.ts';

/**
 * `retina-lan-v1`: one canonical image from any camera.
 * 1. decode to an sRGB working copy (EXIF applied, longest side ≤ workingSize);
 * 2. find the fundus circle on a small copy (fundus-circle.ts);
 * 3. cut the square around the circle, padding with black where the camera clipped it (canonical square);
 * 4. resize to the model's input and normalise inside the circle: subtract the local average colour
 *    (Gaussian, σ = radius/30, as the 2015 Kaggle winner did) and scale each channel's remaining detail to a
 *    fixed spread, so camera photographs and the contrast-enhanced EyePACS training images look alike;
 *    outside the circle is mid-grey.
 */
export const PREPROCESSING_ID = 'retina-lan-v1';

/** Preprocessing ids this code implements; a model asking for another one is refused at load. */
export const KNOWN_PREPROCESSING: readonly string[] = [PREPROCESSING_ID];

export const PIPELINE_PARAMS = {
  workingSize: 1024,
  analysisSize: 256,
  canonicalSize: 512,
  /** The mask stops short of the rim, where cameras add glare and vignetting. */
  maskFraction: 0.95,
  sigmaFraction: 1 / 30,
  /** Standard deviation of each channel's detail after normalisation, around 0.5. */
  spread: 0.125,
} as const;

export interface CanonicalSquare {
  size: number;
  /** RGB bytes of the square cut around the fundus. */
  rgb: Uint8Array;
  /** 1 inside the fundus circle (shrunk by maskFraction) and inside the original frame. */
  mask: Uint8Array;
}

export interface Preprocessed {
  decoded: DecodedImage;
  /** The fundus circle in the working copy's pixels. */
  circle: FundusCircle;
  /** Working-copy pixels per original pixel (≤ 1). */
  scale: number;
  canonical: CanonicalSquare;
  /** inputSize × inputSize × 3 floats in [0, 1], row-major RGB: exactly what the model receives. */
  pixels: Float32Array;
  inputSize: number;
  previewPng: Uint8Array;
  thumbnailJpeg: Uint8Array;
  decodeMs: number;
  preprocessMs: number;
}

/** Geometry of the square around the circle in working-copy pixels; may extend beyond the frame. */
function squareAround(circle: FundusCircle): { left: number; top: number; side: number } {
  const side = Math.max(2, Math.round(2 * circle.r));
  return { left: Math.round(circle.cx - side / 2), top: Math.round(circle.cy - side / 2), side };
}

/** 1 where a pixel of a `size` square over `square` is inside the frame and inside the shrunk circle. */
export function fundusMask(
  size: number,
  square: { left: number; top: number; side: number },
  frameW: number,
  frameH: number,
): Uint8Array {
  const mask = new Uint8Array(size * size);
  const k = square.side / size;
  const radius = (size / 2) * PIPELINE_PARAMS.maskFraction;
  const c = size / 2;
  for (let v = 0; v < size; v++) {
    const y = square.top + (v + 0.5) * k;
    if (y < 0 || y >= frameH) continue;
    for (let u = 0; u < size; u++) {
      const x = square.left + (u + 0.5) * k;
      if (x < 0 || x >= frameW) continue;
      if ((u + 0.5 - c) ** 2 + (v + 0.5 - c) ** 2 <= radius * radius) mask[v * size + u] = 1;
    }
  }
  return mask;
}

async function canonicalSquare(
  decoded: DecodedImage,
  circle: FundusCircle,
): Promise<{ square: ReturnType<typeof squareAround>; canonical: CanonicalSquare }> {
  const square = squareAround(circle);
  const { side, left, top } = square;
  const w = decoded.rgbWidth;
  const h = decoded.rgbHeight;
  // Copy the frame into a black square; rows or columns the camera clipped stay black.
  const padded = new Uint8Array(side * side * 3);
  const x0 = Math.max(0, left);
  const x1 = Math.min(w, left + side);
  for (let y = Math.max(0, top); y < Math.min(h, top + side); y++) {
    if (x1 <= x0) break;
    const src = (y * w + x0) * 3;
    padded.set(decoded.rgb.subarray(src, src + (x1 - x0) * 3), ((y - top) * side + (x0 - left)) * 3);
  }
  const size = PIPELINE_PARAMS.canonicalSize;
  const resized = await resizeRaw(padded, side, side, size, size, 'fill');
  return { square, canonical: { size, rgb: resized.rgb, mask: fundusMask(size, square, w, h) } };
}

/**
 * Local-average normalisation inside the mask. Returns floats in [0, 1]; outside the mask 0.5.
 * Each channel: detail = value − masked local mean (σ = radius · sigmaFraction); then detail is scaled so
 * its spread inside the mask is `spread`, centred on 0.5, and clipped.
 */
export function normaliseFundus(rgb: Uint8Array, mask: Uint8Array, size: number): Float32Array {
  const n = size * size;
  const sigma = (size / 2) * PIPELINE_PARAMS.sigmaFraction;
  const blurredMask = gaussianBlur(Float32Array.from(mask), size, size, sigma);
  let count = 0;
  for (let p = 0; p < n; p++) count += mask[p]!;
  const out = new Float32Array(n * 3).fill(0.5);
  if (count === 0) return out;
  for (let c = 0; c < 3; c++) {
    const plane = new Float32Array(n);
    for (let p = 0; p < n; p++) plane[p] = rgb[p * 3 + c]! / 255;
    const mean = maskedLocalMean(plane, mask, size, size, sigma, blurredMask);
    let sumSq = 0;
    for (let p = 0; p < n; p++) {
      if (!mask[p]) continue;
      const d = plane[p]! - mean[p]!;
      plane[p] = d;
      sumSq += d * d;
    }
    const std = Math.sqrt(sumSq / count);
    const gain = PIPELINE_PARAMS.spread / Math.max(std, 1e-3);
    for (let p = 0; p < n; p++) {
      if (mask[p]) out[p * 3 + c] = Math.min(1, Math.max(0, 0.5 + plane[p]! * gain));
    }
  }
  return out;
}

export async function preprocess(bytes: Uint8Array, inputSize: number): Promise<Preprocessed> {
  const t0 = performance.now();
  const decoded = await decodeImage(bytes, PIPELINE_PARAMS.workingSize);
  const t1 = performance.now();
  const a = PIPELINE_PARAMS.analysisSize;
  const small = await resizeRaw(decoded.rgb, decoded.rgbWidth, decoded.rgbHeight, a, a, 'inside');
  const found = findFundusCircle(small.rgb, small.width, small.height);
  const k = decoded.rgbWidth / small.width;
  const circle: FundusCircle = { ...found, cx: found.cx * k, cy: found.cy * k, r: found.r * k };
  const { square, canonical } = await canonicalSquare(decoded, circle);
  const input = await resizeRaw(canonical.rgb, canonical.size, canonical.size, inputSize, inputSize, 'fill');
  const mask = fundusMask(inputSize, square, decoded.rgbWidth, decoded.rgbHeight);
  const pixels = normaliseFundus(input.rgb, mask, inputSize);
  const previewBytes = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) previewBytes[i] = Math.round(pixels[i]! * 255);
  const [previewPng, thumbnailJpeg] = await Promise.all([
    sharp(previewBytes, { raw: { width: inputSize, height: inputSize, channels: 3 } })
      .png()
      .toBuffer(),
    // The thumbnail (shown at ~200 px) comes from the 256-px analysis copy: no second resize of the working copy.
    sharp(small.rgb, { raw: { width: small.width, height: small.height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer(),
  ]);
  const t2 = performance.now();
  return {
    decoded,
    circle,
    scale: decoded.rgbWidth / decoded.width,
    canonical,
    pixels,
    inputSize,
    previewPng: new Uint8Array(previewPng),
    thumbnailJpeg: new Uint8Array(thumbnailJpeg),
    decodeMs: t1 - t0,
    preprocessMs: t2 - t1,
  };
}
