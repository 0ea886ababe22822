import sharp from 'sharp';
import { seededRandom } from '../evaluate/metrics.ts';

/**
 * Camera-look augmentation: makes a training photograph look as another camera would have taken it, before
 * the app's own preprocessing runs on it (so the normalisation the model sees is always the app's). The
 * eyepacs-256 training images are small, contrast-enhanced and sharp; clinic cameras give softer, unevenly lit,
 * colour-cast, JPEG-compressed frames.
 */
export interface CameraLook {
  /** Gaussian blur σ in pixels of the photograph as stored (0 = none). */
  blur: number;
  /** Exponent applied to intensities in [0, 1] (< 1 brightens the shadows). */
  gamma: number;
  /** Per-channel gains (colour cast). */
  gains: [number, number, number];
  /** Brightness lost at the rim relative to the centre (vignetting), 0–1. */
  vignette: number;
  /** JPEG re-compression quality. */
  jpegQuality: number;
}

export function randomCameraLook(seed: number): CameraLook {
  const r = seededRandom(seed);
  const cast = () => 0.8 + r() * 0.4;
  return {
    blur: r() < 0.7 ? 0.3 + r() * 1.2 : 0,
    gamma: 0.65 + r() * 0.9,
    gains: [cast(), cast(), cast()],
    vignette: r() * 0.5,
    jpegQuality: Math.round(35 + r() * 55),
  };
}

/** Applies a camera look to an encoded photograph and returns it as a JPEG, ready for `preprocess`. */
export async function applyCameraLook(bytes: Uint8Array, look: CameraLook): Promise<Uint8Array> {
  const { data, info } = await sharp(bytes).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({
    resolveWithObject: true,
  });
  const { width, height } = info;
  const channels = info.channels;
  const out = Buffer.alloc(width * height * 3);
  const cx = width / 2;
  const cy = height / 2;
  const rimSq = Math.max(cx, cy) ** 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const falloff = 1 - look.vignette * (((x - cx) ** 2 + (y - cy) ** 2) / rimSq);
      const p = (y * width + x) * channels;
      for (let c = 0; c < 3; c++) {
        const v = (data[p + c]! / 255) ** look.gamma * look.gains[c]! * falloff;
        out[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(v * 255)));
      }
    }
  }
  let image = sharp(out, { raw: { width, height, channels: 3 } });
  if (look.blur >= 0.3) image = image.blur(look.blur);
  return new Uint8Array(await image.jpeg({ quality: look.jpegQuality }).toBuffer());
}
