import { gaussianBlur } from './blur.ts';
import { resizeRaw } from '../image/resize-raw.ts';
import type { Preprocessed } from './preprocess.ts';

/** Per-channel statistics inside the fundus mask: what normalisation should make alike across image sources. */
export interface ChannelStats {
  mean: number[];
  spread: number[];
  /** Fine-band (σ < 1.5 px) share of each channel's detail: a property normalisation does not set directly. */
  fineShare: number[];
}

function statsOf(planes: Float32Array[], mask: Uint8Array, size: number): ChannelStats {
  const result: ChannelStats = { mean: [], spread: [], fineShare: [] };
  for (const plane of planes) {
    const b15 = gaussianBlur(plane, size, size, 1.5);
    const b8 = gaussianBlur(plane, size, size, 8);
    let n = 0;
    let sum = 0;
    let sq = 0;
    let fine = 0;
    let all = 0;
    for (let p = 0; p < plane.length; p++) {
      if (!mask[p]) continue;
      n++;
      sum += plane[p]!;
      sq += plane[p]! ** 2;
      fine += (plane[p]! - b15[p]!) ** 2;
      all += (plane[p]! - b8[p]!) ** 2;
    }
    const mean = sum / n;
    result.mean.push(mean);
    result.spread.push(Math.sqrt(Math.max(0, sq / n - mean * mean)));
    result.fineShare.push(all > 0 ? Math.sqrt(fine / all) : 0);
  }
  return result;
}

/** Statistics of the cropped fundus before normalisation and of the model input after it (same size, same mask). */
export async function normalisationStats(
  pre: Preprocessed,
): Promise<{ before: ChannelStats; after: ChannelStats }> {
  const size = pre.inputSize;
  const { rgb } = await resizeRaw(
    pre.canonical.rgb,
    pre.canonical.size,
    pre.canonical.size,
    size,
    size,
    'fill',
  );
  const mask = new Uint8Array(size * size);
  for (let p = 0; p < mask.length; p++) {
    // Inside the mask the model input is never exactly the mid-grey fill; sample the mask from the canonical one.
    const x = Math.floor(((p % size) + 0.5) * (pre.canonical.size / size));
    const y = Math.floor((Math.floor(p / size) + 0.5) * (pre.canonical.size / size));
    mask[p] = pre.canonical.mask[y * pre.canonical.size + x]!;
  }
  const plane = (source: ArrayLike<number>, c: number, scale: number) => {
    const out = new Float32Array(size * size);
    for (let p = 0; p < out.length; p++) out[p] = source[p * 3 + c]! * scale;
    return out;
  };
  return {
    before: statsOf(
      [0, 1, 2].map((c) => plane(rgb, c, 1 / 255)),
      mask,
      size,
    ),
    after: statsOf(
      [0, 1, 2].map((c) => plane(pre.pixels, c, 1)),
      mask,
      size,
    ),
  };
}
