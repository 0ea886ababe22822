import { gaussianBlur } from '../preprocess/blur.ts';

/**
 * Where the optic disc and the fovea are on the canonical square (fractions of its side, from the top left), so
 * that evidence can be weighed by its distance from the fovea and the regions a grader needs can be judged.
 * Found as clinicians find them: the disc is the brightest round region; the fovea the darkest region about 2.5
 * disc diameters from it, towards the middle of the photograph.
 */
export interface Landmarks {
  disc: { x: number; y: number };
  fovea: { x: number; y: number };
  /** The disc diameter assumed, as a fraction of the side (a 45° photograph's disc is about 0.15 of it). */
  discDiameter: number;
  /** How far the disc stands out from its surround, and the fovea sinks below its own (luminance, 0–1). */
  discContrast: number;
  foveaDepth: number;
}

/** Working resolution: a 128-px copy is plenty for structures a tenth of the field wide. */
const N = 128;
export const DISC_DIAMETER = 0.15;
/** The fovea is 2–3 disc diameters from the disc centre (temporal), within about 20° of the horizontal. */
const FOVEA_MIN = 1.6 * DISC_DIAMETER;
const FOVEA_MAX = 3.2 * DISC_DIAMETER;
const FOVEA_SLOPE = 0.5;

/** The canonical square's luminance at N × N (block means), with a mask shrunk from the fundus's edge. */
function luminanceAt(
  rgb: Uint8Array,
  mask: Uint8Array,
  size: number,
): { lum: Float32Array; inside: Uint8Array } {
  const lum = new Float32Array(N * N);
  const count = new Float32Array(N * N);
  const k = size / N;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      if (!mask[p]) continue;
      const q = Math.floor(y / k) * N + Math.floor(x / k);
      lum[q]! += (0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!) / 255;
      count[q]!++;
    }
  const inside = new Uint8Array(N * N);
  let sum = 0;
  let n = 0;
  for (let q = 0; q < N * N; q++)
    if (count[q]! > 0.9 * k * k) {
      lum[q]! /= count[q]!;
      inside[q] = 1;
      sum += lum[q]!;
      n++;
    }
  // Outside the fundus: its mean, so the blurs below do not see the black surround as a dark region.
  const mean = n ? sum / n : 0;
  for (let q = 0; q < N * N; q++) if (!inside[q]) lum[q] = mean;
  // The rim of the fundus is often over- or under-exposed: neither landmark sits there.
  const eroded = new Uint8Array(N * N);
  const r = Math.round(0.06 * N);
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) {
      let ok = inside[y * N + x] === 1;
      for (const [dx, dy] of [
        [r, 0],
        [-r, 0],
        [0, r],
        [0, -r],
      ] as const) {
        const xx = x + dx;
        const yy = y + dy;
        ok &&= xx >= 0 && yy >= 0 && xx < N && yy < N && inside[yy * N + xx] === 1;
      }
      eroded[y * N + x] = ok ? 1 : 0;
    }
  return { lum, inside: eroded };
}

/** A band-pass of the luminance: detail the size of a disc against its surround. */
function bandPass(lum: Float32Array, fine: number, coarse: number): Float32Array {
  const a = gaussianBlur(lum, N, N, fine);
  const b = gaussianBlur(lum, N, N, coarse);
  return a.map((v, i) => v - b[i]!);
}

/** Finds the disc and the fovea on a canonical square (`size` × `size` RGB with its fundus mask). */
export function locateLandmarks(rgb: Uint8Array, mask: Uint8Array, size: number): Landmarks | null {
  const { lum, inside } = luminanceAt(rgb, mask, size);
  const dd = DISC_DIAMETER * N;
  const disc = bandPass(lum, dd / 4, dd * 1.2);
  let best = -Infinity;
  let at = -1;
  for (let q = 0; q < N * N; q++)
    if (inside[q] && disc[q]! > best) {
      best = disc[q]!;
      at = q;
    }
  if (at < 0) return null;
  const dx0 = at % N;
  const dy0 = Math.floor(at / N);
  const fov = bandPass(lum, dd / 3, dd * 1.5);
  // Towards the middle of the photograph; from a disc near the middle, either side.
  const towards = Math.abs(dx0 - N / 2) < 0.1 * N ? 0 : Math.sign(N / 2 - dx0);
  let lowest = Infinity;
  let fq = -1;
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) {
      const q = y * N + x;
      if (!inside[q]) continue;
      const ddx = x - dx0;
      const ddy = y - dy0;
      const d = Math.hypot(ddx, ddy) / N;
      if (d < FOVEA_MIN || d > FOVEA_MAX) continue;
      if (Math.abs(ddy) > FOVEA_SLOPE * Math.abs(ddx)) continue;
      if (towards !== 0 && Math.sign(ddx) !== towards) continue;
      if (fov[q]! < lowest) {
        lowest = fov[q]!;
        fq = q;
      }
    }
  if (fq < 0) return null;
  return {
    disc: { x: (dx0 + 0.5) / N, y: (dy0 + 0.5) / N },
    fovea: { x: ((fq % N) + 0.5) / N, y: (Math.floor(fq / N) + 0.5) / N },
    discDiameter: DISC_DIAMETER,
    discContrast: best,
    foveaDepth: -lowest,
  };
}
