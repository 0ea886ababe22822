import { gaussianBlur } from '../preprocess/blur.ts';
import { DISC_DIAMETER, type Landmarks } from './locate.ts';

/**
 * Hand-made evidence of maculopathy: how much of the retina near the fovea shows yellow-white spots (hard exudates)
 * — small regions brighter in red and green than their surround. The disc (bright by nature) is left out.
 * Fractions of the fundus area in rings around the fovea: within 1 and 1–2 disc diameters.
 */
export interface BrightLesionFeatures {
  /** Strong excess (≥ 20% over the surround) within 1 DD of the fovea, and within 1–2 DD. */
  strongNear: number;
  strongRing: number;
  /** Mild excess (≥ 12%) likewise. */
  mildNear: number;
  mildRing: number;
}

/** Surround scale: a little over a tenth of a disc diameter on the 512-px canonical square. */
const SURROUND_SIGMA = 10;

export function brightLesionFeatures(
  canonical: { size: number; rgb: Uint8Array; mask: Uint8Array },
  landmarks: Pick<Landmarks, 'disc' | 'fovea'> | null,
): BrightLesionFeatures {
  return brightLesions(canonical, landmarks).features;
}

/**
 * The features, and where the evidence is: a `grid` × `grid` map over the canonical square of how far each cell's
 * spots stand out (0 below the mild excess, 1 at the strong one and above), within 2 disc diameters of the fovea.
 */
export function brightLesions(
  canonical: { size: number; rgb: Uint8Array; mask: Uint8Array },
  landmarks: Pick<Landmarks, 'disc' | 'fovea'> | null,
  grid = 64,
): { features: BrightLesionFeatures; evidence: { size: number; values: Float32Array } } {
  const { size, rgb, mask } = canonical;
  const n = size * size;
  const yellow = new Float32Array(n);
  let sum = 0;
  let count = 0;
  for (let p = 0; p < n; p++)
    if (mask[p]) {
      yellow[p] = (rgb[p * 3]! + rgb[p * 3 + 1]!) / 510;
      sum += yellow[p]!;
      count++;
    }
  const mean = count ? sum / count : 1;
  const surround = gaussianBlur(yellow, size, size, SURROUND_SIGMA);
  const fovea = landmarks?.fovea ?? { x: 0.5, y: 0.5 };
  const disc = landmarks?.disc ?? null;
  const dd = DISC_DIAMETER * size;
  const evidence = new Float32Array(grid * grid);
  const area = [0, 0];
  const strong = [0, 0];
  const mild = [0, 0];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      if (!mask[p]) continue;
      if (disc && Math.hypot(x - disc.x * size, y - disc.y * size) < 0.8 * dd) continue;
      const d = Math.hypot(x - fovea.x * size, y - fovea.y * size) / dd;
      const ring = d < 1 ? 0 : d < 2 ? 1 : -1;
      if (ring < 0) continue;
      area[ring]!++;
      const excess = (yellow[p]! - surround[p]!) / mean;
      if (excess > 0.12) mild[ring]!++;
      if (excess > 0.2) strong[ring]!++;
      const cell = Math.floor((y * grid) / size) * grid + Math.floor((x * grid) / size);
      evidence[cell] = Math.max(evidence[cell]!, Math.min(1, Math.max(0, (excess - 0.12) / 0.08)));
    }
  const share = (k: number[], i: number) => (area[i] ? k[i]! / area[i]! : 0);
  return {
    features: {
      strongNear: share(strong, 0),
      strongRing: share(strong, 1),
      mildNear: share(mild, 0),
      mildRing: share(mild, 1),
    },
    evidence: { size: grid, values: evidence },
  };
}
