import { mirror } from '../../model/image/mirror.ts';
import { seededRandom } from '../evaluate/metrics.ts';

/**
 * The views of one preprocessed image that training sees: as taken, mirrored left–right, and a random
 * rotation/scale/brightness/contrast variant (seeded by the image, so the cache is reproducible).
 */
export const VIEW_NAMES = ['original', 'mirrored', 'augmented'] as const;

export { mirror };

export interface Augmentation {
  angle: number;
  scale: number;
  mirror: boolean;
  contrast: number;
  brightness: number;
}

export function randomAugmentation(seed: number): Augmentation {
  const r = seededRandom(seed);
  return {
    angle: (r() * 2 - 1) * Math.PI, // any rotation: a fundus has no up
    scale: 0.9 + r() * 0.2,
    mirror: r() < 0.5,
    contrast: 0.85 + r() * 0.3,
    brightness: (r() * 2 - 1) * 0.04,
  };
}

/**
 * Rotates and scales about the centre (bilinear; mid-grey where the source falls outside), then changes
 * contrast around mid-grey and brightness. Works on the normalised model input, where 0.5 is the background.
 */
export function augment(pixels: Float32Array, size: number, a: Augmentation): Float32Array {
  const src = a.mirror ? mirror(pixels, size) : pixels;
  const out = new Float32Array(pixels.length);
  const c = (size - 1) / 2;
  const cos = Math.cos(a.angle) / a.scale;
  const sin = Math.sin(a.angle) / a.scale;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sx = cos * (x - c) + sin * (y - c) + c;
      const sy = -sin * (x - c) + cos * (y - c) + c;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let ch = 0; ch < 3; ch++) {
        const at = (xx: number, yy: number) =>
          xx < 0 || yy < 0 || xx >= size || yy >= size ? 0.5 : src[(yy * size + xx) * 3 + ch]!;
        const v =
          at(x0, y0) * (1 - fx) * (1 - fy) +
          at(x0 + 1, y0) * fx * (1 - fy) +
          at(x0, y0 + 1) * (1 - fx) * fy +
          at(x0 + 1, y0 + 1) * fx * fy;
        out[(y * size + x) * 3 + ch] = Math.min(1, Math.max(0, 0.5 + (v - 0.5) * a.contrast + a.brightness));
      }
    }
  }
  return out;
}

/** Stable per-image seed from its name. */
export function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function views(pixels: Float32Array, size: number, name: string): Float32Array[] {
  return [pixels, mirror(pixels, size), augment(pixels, size, randomAugmentation(seedOf(name)))];
}
