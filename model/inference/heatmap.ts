import sharp from 'sharp';
import { PIPELINE_PARAMS } from '../preprocess/preprocess.ts';

/** Colour of a heat value in [0, 1]: transparent where cold, through yellow to red where hot. */
function colour(v: number): [number, number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  const r = 255;
  const g = Math.round(255 * (1 - t) ** 0.8);
  const b = 0;
  // Only the stronger half shows, and never opaque: the photograph must stay readable under it.
  const alpha = t < 0.3 ? 0 : Math.round(170 * Math.min(1, (t - 0.3) / 0.5));
  return [r, g, b, alpha];
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
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      if ((x + 0.5 - c) ** 2 + (y + 0.5 - c) ** 2 > r * r) continue;
      rgba.set(colour(smooth[p]! / 255), p * 4);
    }
  }
  return new Uint8Array(
    await sharp(rgba, { raw: { width: size, height: size, channels: 4 } })
      .png()
      .toBuffer(),
  );
}
