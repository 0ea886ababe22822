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
  /**
   * Below this mean luminance a fundus is dim (real photographs: 0.087 for one, then ≥ 0.157; darkened ×0.15:
   * ≤ 0.112). Dim is not ungradable by itself: see minDimDetailLevels.
   */
  minMeanLuminance: 0.12,
  /**
   * A dim fundus is too dark only when its vessel-scale detail did not survive: less than this RMS in 8-bit grey
   * levels of the green channel (brightening cannot bring back what quantisation and noise took). Every original
   * darkened ×0.15 has ≤ 0.57; the one dim real photograph (eyepacs-1024-dev 940_left) has 0.76 — and is refused
   * all the same, region by region (its lower-left quadrant and macula are in shadow); real photographs of normal
   * brightness ≥ 0.55. A site with many dim photographs should check it on theirs.
   */
  minDimDetailLevels: 0.7,
  /** More than half the fundus nearly black: too dark whatever survives elsewhere. */
  maxDarkFraction: 0.5,
  /**
   * The same per region (each quadrant, the macula, the optic disc), since a grader needs every one: more than a
   * quarter of a region nearly black (real photographs p95 ≤ 0.024 in every region; the one above,
   * eyepacs-1024-dev 940_left, has its lower-left quadrant at 0.84 and its macula in shadow too).
   */
  maxRegionDarkFraction: 0.25,
  /**
   * A region whose vessel-scale detail is below this (grey levels) shows nothing to grade (real p1 ≥ 0.41 in the
   * quadrants and at the disc). Not applied to the macula, which has few vessels by nature.
   */
  minRegionDetailLevels: 0.3,
  /** Real photographs ≤ 0.851 (pale but gradable); a blown-out frame goes past. */
  maxMeanLuminance: 0.88,
  maxSaturatedFraction: 0.25,
  /** Real: p1 0.25 (min 0.19, a washed-out frame); blurred σ=0.4% of width: p95 0.21. */
  minSharpness: 0.22,
  /** Real: p1 0.0064 (hazy frames below); blurred σ=1% of width: median 0.0044. */
  minDetail: 0.006,
};

export type QualityThresholds = typeof QUALITY_THRESHOLDS;
