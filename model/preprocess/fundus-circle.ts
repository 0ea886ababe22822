/** The fundus (field of view) as a circle in the coordinates of the image it was found in. */
export interface FundusCircle {
  cx: number;
  cy: number;
  r: number;
  /** False when no border was found and the circle is a guess (the inscribed circle of the frame). */
  fitted: boolean;
  /** Fraction of the circle (inside the frame) that is lit: a real fundus fills its circle. */
  fill: number;
  /** Fraction of lit pixels of the frame that lie inside the circle: a real fundus has little outside. */
  containment: number;
  /** Fraction of the circle's area that lies inside the frame (< 1 when clipped at top and bottom). */
  inFrame: number;
  /** The brightness threshold that separated fundus from surround, 0–255. */
  threshold: number;
  /** Fraction of the whole frame that is lit (brighter than the threshold). */
  litFraction: number;
  /** Mean of each pixel's brightest channel over the whole frame, 0–1: tells a black frame from a white page. */
  frameBrightness: number;
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

/** Least-squares circle through points (Kåsa): solves x² + y² + Dx + Ey + F = 0. */
export function fitCircle(
  xs: readonly number[],
  ys: readonly number[],
): { cx: number; cy: number; r: number } | null {
  const n = xs.length;
  if (n < 3) return null;
  let sx = 0,
    sy = 0,
    sxx = 0,
    syy = 0,
    sxy = 0,
    sxz = 0,
    syz = 0,
    sz = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    const z = x * x + y * y;
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
    sxz += x * z;
    syz += y * z;
    sz += z;
  }
  // Normal equations for [D, E, F]: A · p = b
  const a = [
    [sxx, sxy, sx],
    [sxy, syy, sy],
    [sx, sy, n],
  ];
  const b = [-sxz, -syz, -sz];
  const det3 = (m: number[][]) =>
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
    m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
    m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  const det = det3(a);
  if (Math.abs(det) < 1e-9) return null;
  const solve = (col: number) => det3(a.map((row, i) => row.map((v, j) => (j === col ? b[i]! : v)))) / det;
  const d = solve(0);
  const e = solve(1);
  const f = solve(2);
  const cx = -d / 2;
  const cy = -e / 2;
  const r2 = cx * cx + cy * cy - f;
  if (!(r2 > 0)) return null;
  return { cx, cy, r: Math.sqrt(r2) };
}

/** Brightest channel of each pixel, and the frame's mean of it. */
function brightestChannel(rgb: Uint8Array, n: number): { value: Uint8Array; brightness: number } {
  const value = new Uint8Array(n);
  let brightness = 0;
  for (let p = 0; p < n; p++) {
    const i = p * 3;
    value[p] = Math.max(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
    brightness += value[p]!;
  }
  return { value, brightness };
}

/** The surround's level: the darkest corner patch's upper quartile. */
function surroundLevel(value: Uint8Array, width: number, height: number): number {
  const patch = Math.max(2, Math.round(Math.min(width, height) * 0.04));
  const cornerLevels: number[] = [];
  for (const [x0, y0] of [
    [0, 0],
    [width - patch, 0],
    [0, height - patch],
    [width - patch, height - patch],
  ] as const) {
    const values: number[] = [];
    for (let y = y0; y < y0 + patch; y++)
      for (let x = x0; x < x0 + patch; x++) values.push(value[y * width + x]!);
    values.sort((a, b) => a - b);
    cornerLevels.push(quantile(values, 0.75));
  }
  cornerLevels.sort((a, b) => a - b);
  return cornerLevels[0]!;
}

/** Median brightness of the central disc, from a histogram (values are 0–255): same value as sorting, faster. */
function centreLevel(value: Uint8Array, width: number, height: number): number {
  const centre = new Uint32Array(256);
  let centreCount = 0;
  const cr = Math.min(width, height) * 0.3;
  for (let y = Math.floor(height / 2 - cr); y < height / 2 + cr; y++) {
    for (let x = Math.floor(width / 2 - cr); x < width / 2 + cr; x++) {
      if ((x - width / 2) ** 2 + (y - height / 2) ** 2 <= cr * cr) {
        centre[value[y * width + x]!]!++;
        centreCount++;
      }
    }
  }
  const medianIndex = Math.round(0.5 * (centreCount - 1));
  for (let v = 0, seen = 0; v < 256; v++) {
    seen += centre[v]!;
    if (seen > medianIndex) return v;
  }
  return 0;
}

/** Left and right edges of the lit region on every row: the first and last pixel starting a run of lit pixels. */
function rowEdges(lit: Uint8Array, width: number, height: number): { xs: number[]; ys: number[] } {
  const run = Math.max(2, Math.round(width * 0.01));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let left = -1;
    for (let x = 0, count = 0; x < width; x++) {
      count = lit[row + x] ? count + 1 : 0;
      if (count === run) {
        left = x - run + 1;
        break;
      }
    }
    if (left < 0) continue;
    let right = -1;
    for (let x = width - 1, count = 0; x >= 0; x--) {
      count = lit[row + x] ? count + 1 : 0;
      if (count === run) {
        right = x + run - 1;
        break;
      }
    }
    if (left > 0) {
      xs.push(left - 0.5);
      ys.push(y);
    }
    if (right < width - 1) {
      xs.push(right + 0.5);
      ys.push(y);
    }
  }
  return { xs, ys };
}

/** A circle fitted to the edge points, then refitted three times without the points far from it. */
function robustCircle(xs: number[], ys: number[]): { cx: number; cy: number; r: number } | null {
  let circle = fitCircle(xs, ys);
  for (let iteration = 0; circle && iteration < 3; iteration++) {
    const c = circle;
    const residuals = xs.map((x, i) => Math.abs(Math.hypot(x - c.cx, ys[i]! - c.cy) - c.r));
    const sorted = [...residuals].sort((a, b) => a - b);
    const limit = Math.max(1.5, 3 * quantile(sorted, 0.5));
    const keep = residuals.map((r) => r <= limit);
    const kx = xs.filter((_, i) => keep[i]);
    const ky = ys.filter((_, i) => keep[i]);
    circle = fitCircle(kx, ky) ?? c;
  }
  return circle;
}

/**
 * Finds the fundus circle in a small RGB copy of a photograph.
 *
 * The surround is estimated from the frame's corners (outside the circle on every camera we know), the fundus
 * level from its centre, and pixels are lit when their brightest channel clears a threshold between the two,
 * so dim photographs keep their fundus. The circle is fitted to the left and right edges of the lit region on
 * every row — never to top or bottom edges, which are straight where a camera clips the circle — and refitted
 * three times without outliers, so notches and stray light on the rim do not pull it.
 */
export function findFundusCircle(rgb: Uint8Array, width: number, height: number): FundusCircle {
  const n = width * height;
  const { value, brightness } = brightestChannel(rgb, n);
  const surround = surroundLevel(value, width, height);
  const fundus = centreLevel(value, width, height);
  const threshold = surround + Math.max(4, 0.2 * (fundus - surround));

  const lit = new Uint8Array(n);
  for (let p = 0; p < n; p++) lit[p] = value[p]! > threshold ? 1 : 0;

  const { xs, ys } = rowEdges(lit, width, height);
  const circle = robustCircle(xs, ys);
  const minRadius = Math.min(width, height) * 0.1;
  const plausible =
    circle !== null &&
    circle.r >= minRadius &&
    circle.r <= Math.max(width, height) &&
    circle.cx > 0 &&
    circle.cx < width &&
    circle.cy > 0 &&
    circle.cy < height &&
    xs.length >= Math.min(20, height / 4);
  const final =
    plausible && circle ? circle : { cx: width / 2, cy: height / 2, r: Math.min(width, height) / 2 };

  let inside = 0;
  let insideLit = 0;
  let totalLit = 0;
  const r2 = final.r * final.r;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const within = (x + 0.5 - final.cx) ** 2 + (y + 0.5 - final.cy) ** 2 <= r2;
      if (lit[p]) totalLit++;
      if (within) {
        inside++;
        if (lit[p]) insideLit++;
      }
    }
  }
  return {
    cx: final.cx,
    cy: final.cy,
    r: final.r,
    fitted: plausible,
    fill: inside ? insideLit / inside : 0,
    containment: totalLit ? insideLit / totalLit : 0,
    inFrame: inside / (Math.PI * r2),
    threshold,
    litFraction: totalLit / n,
    frameBrightness: brightness / n / 255,
  };
}
