import sharp from 'sharp';
import { PIPELINE_PARAMS } from '../preprocess/preprocess.ts';

/**
 * The share of the fundus the heatmap colours: the hottest tenth. A map shown wherever it is above some fixed
 * level tints the whole fundus when the model's evidence is spread out; the hottest tenth always says where it
 * concentrates. The legend in the app says the same.
 */
export const HEATMAP_SHOWN_FRACTION = 0.1;

/** Colour of a heat value t in [0, 1] above the shown cut: yellow to red, never opaque (the photograph stays readable). */
function colour(t: number): [number, number, number, number] {
  const g = Math.round(230 * (1 - t));
  return [255, g, 0, Math.round(110 + 90 * t)];
}

/** The heat level above which the hottest `fraction` of the given values lie. */
function cutAt(values: number[], fraction: number): number {
  if (values.length === 0) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * (1 - fraction)))]!;
}

/**
 * Renders a small class activation map as an RGBA PNG the size of the model input, smooth (bicubic), and
 * clear outside the fundus circle, to be laid over the preview of what the model saw.
 */
export async function renderHeatmapPng(
  map: { size: number; values: Float32Array },
  size: number,
): Promise<Uint8Array> {
  const grey = Uint8Array.from(map.values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  const { data: smooth, info } = await sharp(grey, {
    raw: { width: map.size, height: map.size, channels: 1 },
  })
    .resize(size, size, { kernel: 'cubic' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`heatmap resize gave ${info.channels} channels`);
  const rgba = new Uint8Array(size * size * 4);
  const c = size / 2;
  const r = c * PIPELINE_PARAMS.maskFraction;
  const inside: number[] = [];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if ((x + 0.5 - c) ** 2 + (y + 0.5 - c) ** 2 <= r * r) inside.push(y * size + x);
  const values = inside.map((p) => smooth[p]!);
  const cut = cutAt(values, HEATMAP_SHOWN_FRACTION);
  const top = Math.max(...values);
  for (const p of inside) {
    const v = smooth[p]!;
    // Strictly above the cut, and never for a flat map (no place stands out, so nothing is shown).
    if (v <= cut || top <= cut) continue;
    rgba.set(colour((v - cut) / (top - cut)), p * 4);
  }
  return new Uint8Array(
    await sharp(rgba, { raw: { width: size, height: size, channels: 4 } })
      .png()
      .toBuffer(),
  );
}
