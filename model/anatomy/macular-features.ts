// The grading network's view of the macula (issue #23): its last feature maps weighed by distance from the
// located fovea, and a magnified crop of the macular region that the same network can look at again.
import { resizeRaw } from '../image/resize-raw.ts';
import { normaliseFundus } from '../preprocess/preprocess.ts';
import type { Landmarks } from './locate.ts';

/**
 * Pools NHWC feature maps [1, h, w, C] with Gaussian weights around the fovea (σ = `sigmaDd` disc diameters), so
 * the cells over the macula count most. Positions are fractions of the square the maps cover.
 */
export function maculaPool(
  maps: { data: Float32Array; dims: readonly number[] },
  landmarks: Pick<Landmarks, 'fovea' | 'discDiameter'>,
  sigmaDd = 1,
): Float32Array {
  const [, h, w, c] = maps.dims as [number, number, number, number];
  const sigma = sigmaDd * landmarks.discDiameter;
  const out = new Float32Array(c);
  let total = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const dx = (x + 0.5) / w - landmarks.fovea.x;
      const dy = (y + 0.5) / h - landmarks.fovea.y;
      const weight = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
      total += weight;
      const base = (y * w + x) * c;
      for (let k = 0; k < c; k++) out[k] = out[k]! + weight * maps.data[base + k]!;
    }
  for (let k = 0; k < c; k++) out[k] = out[k]! / total;
  return out;
}

/**
 * The macular region of the canonical square (`side` of it wide, centred on the fovea; black beyond the square),
 * magnified to `size` px and normalised as the network's input is: the network sees the macula at about twice
 * the scale it sees the whole fundus, where exudates and small haemorrhages are a few cells wide, not a fraction of one.
 */
export async function macularCrop(
  canonical: { size: number; rgb: Uint8Array; mask: Uint8Array },
  fovea: { x: number; y: number },
  size: number,
  side = 0.6,
): Promise<Float32Array> {
  const n = canonical.size;
  const crop = Math.round(side * n);
  const left = Math.round(fovea.x * n - crop / 2);
  const top = Math.round(fovea.y * n - crop / 2);
  const rgb = new Uint8Array(crop * crop * 3);
  const mask = new Uint8Array(size * size);
  const cropMask = new Uint8Array(crop * crop);
  for (let y = 0; y < crop; y++) {
    const sy = top + y;
    if (sy < 0 || sy >= n) continue;
    for (let x = 0; x < crop; x++) {
      const sx = left + x;
      if (sx < 0 || sx >= n) continue;
      const s = sy * n + sx;
      cropMask[y * crop + x] = canonical.mask[s]!;
      rgb.set(canonical.rgb.subarray(s * 3, s * 3 + 3), (y * crop + x) * 3);
    }
  }
  const resized = await resizeRaw(rgb, crop, crop, size, size, 'fill');
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      mask[y * size + x] = cropMask[Math.floor((y * crop) / size) * crop + Math.floor((x * crop) / size)]!;
  return normaliseFundus(resized.rgb, mask, size);
}
