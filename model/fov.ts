/** Where the fundus (field of view) is in a working copy: its bounding box and the mask behind it. */
export interface FieldOfView {
  left: number;
  top: number;
  width: number;
  height: number;
  /** 1 where a pixel belongs to the fundus, 0 in the black surround. */
  mask: Uint8Array;
  /** Fraction of the working copy inside the mask. */
  fraction: number;
}

function luminance(rgb: Uint8Array, i: number): number {
  return 0.299 * (rgb[i] ?? 0) + 0.587 * (rgb[i + 1] ?? 0) + 0.114 * (rgb[i + 2] ?? 0);
}

/**
 * Finds the fundus as the pixels brighter than the camera's black surround. The threshold adapts to the
 * image (a tenth of its 95th-percentile luminance, at least 10/255) so dim photographs keep their fundus.
 * Rows and columns count only when more than 1% of their pixels are lit, which ignores stray text and noise.
 */
export function findFieldOfView(rgb: Uint8Array, width: number, height: number): FieldOfView {
  const n = width * height;
  const lum = new Float32Array(n);
  const histogram = new Uint32Array(256);
  for (let p = 0; p < n; p++) {
    const l = luminance(rgb, p * 3);
    lum[p] = l;
    histogram[Math.min(255, Math.round(l))]!++;
  }
  let seen = 0;
  let p95 = 255;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen >= 0.95 * n) {
      p95 = v;
      break;
    }
  }
  const threshold = Math.max(10, 0.1 * p95);
  const mask = new Uint8Array(n);
  const rowCounts = new Uint32Array(height);
  const colCounts = new Uint32Array(width);
  let inside = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (lum[p]! > threshold) {
        mask[p] = 1;
        rowCounts[y]!++;
        colCounts[x]!++;
        inside++;
      }
    }
  }
  const span = (counts: Uint32Array, length: number, across: number): [number, number] => {
    const minimum = Math.max(1, across * 0.01);
    let first = 0;
    while (first < length && counts[first]! < minimum) first++;
    let last = length - 1;
    while (last > first && counts[last]! < minimum) last--;
    return first >= length ? [0, 0] : [first, last + 1];
  };
  const [top, bottom] = span(rowCounts, height, width);
  const [left, right] = span(colCounts, width, height);
  return { left, top, width: right - left, height: bottom - top, mask, fraction: inside / n };
}
