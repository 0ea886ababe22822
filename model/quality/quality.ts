import { boxRadiusForSigma, gaussianBlur } from '../preprocess/blur.ts';
import type { Preprocessed } from '../preprocess/preprocess.ts';
import { DISC_DIAMETER, locateLandmarks } from '../anatomy/locate.ts';
import { QUALITY_THRESHOLDS, type QualityThresholds } from './quality-thresholds.ts';
import {
  QUALITY_REGIONS,
  type QualityReason,
  type QualityRegion,
  type QualityVerdict,
} from '../../domain/quality.ts';

export type { QualityReason };

/**
 * Per region of the fundus (QUALITY_REGIONS: the four quadrants and the centre): the fraction nearly black, and the
 * vessel-scale detail in grey levels, named e.g. `darkLowerLeft`, `detailLowerLeft`.
 */
export type RegionalMetrics = {
  [K in `dark${Capitalize<QualityRegion>}` | `detail${Capitalize<QualityRegion>}`]: number;
};

export interface QualityMetrics extends RegionalMetrics {
  /** Fraction of the frame brighter than the surround threshold. */
  litFraction: number;
  /** Mean brightness of the whole frame, 0–1. */
  frameBrightness: number;
  circleFitted: number;
  /** Fraction of the circle that is lit, and of the lit pixels that are inside the circle. */
  fill: number;
  containment: number;
  /** Fraction of the circle inside the frame. */
  inFrame: number;
  /** Fundus diameter in pixels of the original photograph. */
  diameterPx: number;
  /** Mean luminance inside the fundus, 0–1. */
  meanLuminance: number;
  /** Fractions of the fundus that are blown out (luminance ≥ 0.94) or nearly black (≤ 0.04). */
  saturatedFraction: number;
  darkFraction: number;
  /** (R − B) / (R + G + B) inside the fundus: a colour fundus photograph is red. */
  redness: number;
  /** Finest-scale detail relative to vessel-scale detail on the green channel. */
  sharpness: number;
  /** Vessel-edge-scale detail relative to the fundus brightness on the green channel. */
  detail: number;
  /**
   * The same detail in absolute terms: its RMS in 8-bit grey levels of the green channel. Below about one level
   * it has been lost to quantisation and noise, however much the photograph is brightened.
   */
  detailLevels: number;
}

const REGION_NAMES = Object.keys(QUALITY_REGIONS) as QualityRegion[];
const cap = (r: QualityRegion) => `${r[0]!.toUpperCase()}${r.slice(1)}` as Capitalize<QualityRegion>;

/**
 * The regions each point of the canonical square is in, as bits: its quadrant (bits 0–1, always), the macula (bit
 * 2: within one disc diameter of the fovea) and the disc (bit 3: within 0.6 of one of its centre). Without
 * landmarks the macula is taken at the centre, where a macula-centred photograph has it, and the disc is not judged
 * on its own. Made once per photograph: the measures below read it pixel by pixel.
 */
const MACULA_BIT = 4;
const DISC_BIT = 8;

function regionLabels(pre: Preprocessed): Uint8Array {
  const { size, rgb, mask } = pre.canonical;
  const found = locateLandmarks(rgb, mask, size);
  const c = (size - 1) / 2;
  const fovea = found ? { x: found.fovea.x * size, y: found.fovea.y * size } : { x: c, y: c };
  const disc = found ? { x: found.disc.x * size, y: found.disc.y * size } : null;
  const dd = DISC_DIAMETER * size;
  const labels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let l = (y < c ? 0 : 2) + (x < c ? 0 : 1);
      if ((x - fovea.x) ** 2 + (y - fovea.y) ** 2 < dd * dd) l |= MACULA_BIT;
      if (disc && (x - disc.x) ** 2 + (y - disc.y) ** 2 < (0.6 * dd) ** 2) l |= DISC_BIT;
      labels[y * size + x] = l;
    }
  return labels;
}

/** Adds `v` to the entries of `into` for each region a pixel of label `l` is in. */
function addTo(into: number[], l: number, v = 1): void {
  into[l & 3]! += v;
  if (l & MACULA_BIT) into[4]! += v;
  if (l & DISC_BIT) into[5]! += v;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** Measures what the quality gate decides on, on the canonical square (fixed size, so size-normalised). */
export function measureQuality(pre: Preprocessed): QualityMetrics {
  const { size, rgb, mask } = pre.canonical;
  const n = size * size;
  let count = 0;
  let lum = 0;
  let saturated = 0;
  let dark = 0;
  const sum = [0, 0, 0];
  const green = new Float32Array(n);
  const labels = regionLabels(pre);
  const regionCount = new Array<number>(REGION_NAMES.length).fill(0);
  const regionDark = new Array<number>(REGION_NAMES.length).fill(0);
  for (let p = 0; p < n; p++) {
    green[p] = rgb[p * 3 + 1]! / 255;
    if (!mask[p]) continue;
    addTo(regionCount, labels[p]!);
    const r = rgb[p * 3]! / 255;
    const g = green[p]!;
    const b = rgb[p * 3 + 2]! / 255;
    const l = 0.299 * r + 0.587 * g + 0.114 * b;
    count++;
    lum += l;
    sum[0]! += r;
    sum[1]! += g;
    sum[2]! += b;
    if (l >= 0.94) saturated++;
    if (l <= 0.04) {
      dark++;
      addTo(regionDark, labels[p]!);
    }
  }
  const detail = count
    ? detailMeasures(green, mask, size, labels)
    : {
        sharpness: 0,
        detail: 0,
        detailLevels: 0,
        regionLevels: new Array<number>(REGION_NAMES.length).fill(0),
      };
  const regional = Object.fromEntries(
    REGION_NAMES.flatMap((r, i) => [
      // A region the photograph does not show at all (a disc that was not found) counts as seen: nothing to judge.
      [`dark${cap(r)}`, round(regionCount[i] ? regionDark[i]! / regionCount[i]! : 0)],
      [`detail${cap(r)}`, round(detail.regionLevels[i]!)],
    ]),
  ) as RegionalMetrics;
  const total = sum[0]! + sum[1]! + sum[2]!;
  return {
    litFraction: round(pre.circle.litFraction),
    frameBrightness: round(pre.circle.frameBrightness),
    circleFitted: pre.circle.fitted ? 1 : 0,
    fill: round(pre.circle.fill),
    containment: round(pre.circle.containment),
    inFrame: round(pre.circle.inFrame),
    diameterPx: Math.round((2 * pre.circle.r) / pre.scale),
    meanLuminance: round(count ? lum / count : 0),
    saturatedFraction: round(count ? saturated / count : 0),
    darkFraction: round(count ? dark / count : 1),
    redness: round(total > 1e-6 ? (sum[0]! - sum[2]!) / total : 0),
    sharpness: detail.sharpness,
    detail: detail.detail,
    detailLevels: detail.detailLevels,
    ...regional,
  };
}

/**
 * Detail in three bands of the green channel (where vessels and lesions show best), measured on the
 * canonical 512-px square so it does not depend on the camera's resolution, inside the mask shrunk by 12 px:
 * - sharpness = fine band (σ < 1.5 px) / vessel band (1.5–8 px). Blur removes the fine band first.
 * - detail = band 1–3 px / mean brightness. A hazy or washed-out photograph has little of it at any exposure.
 * Chosen on eyepacs-1024-dev against synthetically blurred originals (QUALITY.md).
 */
function detailMeasures(
  green: Float32Array,
  mask: Uint8Array,
  size: number,
  labels: Uint8Array,
): { sharpness: number; detail: number; detailLevels: number; regionLevels: number[] } {
  // The blur is three box passes whose radius rounds from σ: σ 1 and 1.5 both give radius 1, so one blur serves
  // both (the same values as computing it twice).
  const byRadius = new Map<number, Float32Array>();
  const blur = (sigma: number) => {
    const r = boxRadiusForSigma(sigma);
    let out = byRadius.get(r);
    if (!out) byRadius.set(r, (out = gaussianBlur(green, size, size, sigma)));
    return out;
  };
  const b1 = blur(1);
  const b15 = blur(1.5);
  const b3 = blur(3);
  const b8 = blur(8);
  const m = 12;
  let count = 0;
  let mean = 0;
  let fine = 0;
  let vessel = 0;
  let band = 0;
  const regionBand = new Array<number>(REGION_NAMES.length).fill(0);
  const regionCount = new Array<number>(REGION_NAMES.length).fill(0);
  for (let y = m; y < size - m; y++) {
    for (let x = m; x < size - m; x++) {
      const p = y * size + x;
      if (!(mask[p] && mask[p - m] && mask[p + m] && mask[p - m * size] && mask[p + m * size])) continue;
      count++;
      mean += green[p]!;
      fine += (green[p]! - b15[p]!) ** 2;
      vessel += (b15[p]! - b8[p]!) ** 2;
      const e = (b1[p]! - b3[p]!) ** 2;
      band += e;
      addTo(regionBand, labels[p]!, e);
      addTo(regionCount, labels[p]!);
    }
  }
  // A region with no pixel to measure (a disc not found) says nothing of its own: it reads as the whole.
  const whole = count ? Math.sqrt(band / count) * 255 : 0;
  const regionLevels = regionBand.map((e, i) =>
    regionCount[i] ? Math.sqrt(e / regionCount[i]!) * 255 : whole,
  );
  if (count === 0 || mean === 0) return { sharpness: 0, detail: 0, detailLevels: 0, regionLevels };
  return {
    sharpness: round(vessel > 0 ? Math.sqrt(fine / vessel) : 0),
    detail: round(Math.sqrt(band / count) / (mean / count)),
    detailLevels: round(Math.sqrt(band / count) * 255),
    regionLevels,
  };
}

/**
 * The regions a grader cannot read: mostly nearly black, or with their vessel-scale detail lost (not counted for
 * a blurred photograph, where blur took the detail everywhere and says so).
 */
function obscuredRegions(m: QualityMetrics, t: QualityThresholds, blurred = false): QualityRegion[] {
  // The macula is judged on darkness only: it has few vessels by nature, so little vessel-scale detail.
  return REGION_NAMES.filter(
    (r) =>
      m[`dark${cap(r)}`] > t.maxRegionDarkFraction ||
      (!blurred && r !== 'macula' && m[`detail${cap(r)}`] < t.minRegionDetailLevels),
  );
}

/** The gate: each failed check is a reason; any reason makes the photograph ungradable. */
export function judgeQuality(m: QualityMetrics, t: QualityThresholds = QUALITY_THRESHOLDS): QualityVerdict {
  const reasons: QualityReason[] = [];
  const regions: QualityRegion[] = [];
  const overExposed = m.meanLuminance > t.maxMeanLuminance || m.saturatedFraction > t.maxSaturatedFraction;
  if (m.litFraction < t.minLitFraction && m.frameBrightness < t.maxBlackFrameBrightness) {
    reasons.push('no_fundus');
  } else if (
    m.litFraction < t.minLitFraction ||
    !m.circleFitted ||
    m.containment < t.minContainment ||
    (m.fill < t.minFill && m.redness < t.minRedness)
  ) {
    reasons.push('not_fundus');
  } else if (m.fill < t.minFill) {
    // A red fundus whose circle is fitted but not filled: part of it is in shadow (an eyelid, a small pupil).
    regions.push(...obscuredRegions(m, t));
    reasons.push('region_obscured');
  } else if (m.redness < t.minRedness && !overExposed) {
    // A blown-out fundus loses its colour too; that one is over-exposed, not something else.
    reasons.push('not_fundus');
  } else {
    if (m.diameterPx < t.minDiameterPx || m.inFrame < t.minInFrame) reasons.push('small_field');
    // Darkness is judged by whether detail survives: a dim photograph whose vessels still show is gradable.
    const dimAndLost = m.meanLuminance < t.minMeanLuminance && m.detailLevels < t.minDimDetailLevels;
    if (dimAndLost || m.darkFraction > t.maxDarkFraction) reasons.push('too_dark');
    if (overExposed) reasons.push('over_exposed');
    if (m.sharpness < t.minSharpness || m.detail < t.minDetail) reasons.push('blurred');
    // Each region on its own: mostly black, or with its vessel detail lost, it cannot be graded whatever the
    // average says (a frame whose lower half is black averages out as merely dim).
    if (!reasons.includes('too_dark')) {
      regions.push(...obscuredRegions(m, t, reasons.includes('blurred')));
      if (regions.length) reasons.push('region_obscured');
    }
  }
  // `dim` tells the app to offer a brightened view of what was judged, whether or not the detail survived.
  return {
    gradable: reasons.length === 0,
    reasons,
    metrics: { ...m, dim: m.meanLuminance < t.minMeanLuminance ? 1 : 0 },
    ...(reasons.includes('region_obscured') ? { regions } : {}),
  };
}

export function assessQuality(pre: Preprocessed, t: QualityThresholds = QUALITY_THRESHOLDS): QualityVerdict {
  return judgeQuality(measureQuality(pre), t);
}
