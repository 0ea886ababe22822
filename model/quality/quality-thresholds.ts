/**
 * Thresholds of the quality gate, chosen from the distributions in QUALITY.md beside this file (`npm run quality-report`):
 * each sits below (or above) what real eyepacs-1024-dev and camera originals show, and catches the synthetic
 * failures made from good photographs. Where a real photograph falls past one, QUALITY.md lists it.
 */
export const QUALITY_THRESHOLDS = {
  /** Less than 5% of the frame lit: no fundus... */
  minLitFraction: 0.05,
  /** ...in a dark frame (a bright one with no dark surround is not a fundus photograph). */
  maxBlackFrameBrightness: 0.15,
  /** A fundus fills its circle (real ≥ 0.946) and has little lit outside it (real ≥ 0.99). */
  minFill: 0.8,
  minContainment: 0.9,
  /** Colour fundus photographs are red (real ≥ 0.030); grey pages, text and noise are not (≤ 0.012). */
  minRedness: 0.02,
  /** Fundus diameter below 480 px (half a 1024-px export) is too coarse for microaneurysms. */
  minDiameterPx: 480,
  /** Less than 70% of the circle in the frame (real ≥ 0.88): the camera cut off too much. */
  minInFrame: 0.7,
  /** Real photographs: mean luminance 0.087 (one very dark frame) then ≥ 0.157; darkened ×0.15: ≤ 0.112. */
  minMeanLuminance: 0.12,
  maxDarkFraction: 0.5,
  /** Real photographs ≤ 0.851 (pale but gradable); a blown-out frame goes past. */
  maxMeanLuminance: 0.88,
  maxSaturatedFraction: 0.25,
  /** Real: p1 0.25 (min 0.19, a washed-out frame); blurred σ=0.4% of width: p95 0.21. */
  minSharpness: 0.22,
  /** Real: p1 0.0064 (hazy frames below); blurred σ=1% of width: median 0.0044. */
  minDetail: 0.006,
};

export type QualityThresholds = typeof QUALITY_THRESHOLDS;
