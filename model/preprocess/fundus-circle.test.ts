import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFundusCircle, fitCircle } from './fundus-circle.ts';
import { preprocess } from './preprocess.ts';
import { original } from '../testing/test-images.ts';

interface Expected {
  width: number;
  height: number;
  cx: number;
  cy: number;
  r: number;
}

const fixture = JSON.parse(
  readFileSync(
    path.join(import.meta.dirname, '..', 'testing', 'fixtures', 'originals-fundus-circles.json'),
    'utf8',
  ),
) as { circles: Record<string, Expected> };

/** A synthetic fundus: an orange disc on black, with options for what real cameras do to it. */
function disc(
  w: number,
  h: number,
  cx: number,
  cy: number,
  r: number,
  { level = 160, notch = false, rim = false, clipRows = 0 } = {},
): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      let inside = d <= r;
      if (notch && x > cx + r * 0.85 && Math.abs(y - (cy - r * 0.4)) < r * 0.08) inside = false;
      if (y < clipRows || y >= h - clipRows) inside = false;
      const i = (y * w + x) * 3;
      if (inside) {
        const v = rim && d > r * 0.96 ? 255 : level * (1 - 0.4 * (d / r) ** 2);
        rgb[i] = v;
        rgb[i + 1] = v * 0.55;
        rgb[i + 2] = v * 0.3;
      } else {
        rgb[i] = rgb[i + 1] = rgb[i + 2] = 3;
      }
    }
  }
  return rgb;
}

describe('findFundusCircle', () => {
  it.each(Object.entries(fixture.circles))('finds the hand-checked circle of %s', async (name, expected) => {
    const pre = await preprocess(original(name), 224);
    const s = pre.scale;
    const tolerance = expected.width * 0.015;
    expect(pre.circle.fitted).toBe(true);
    expect(Math.abs(pre.circle.cx / s - expected.cx)).toBeLessThan(tolerance);
    expect(Math.abs(pre.circle.cy / s - expected.cy)).toBeLessThan(tolerance);
    expect(Math.abs(pre.circle.r / s - expected.r)).toBeLessThan(tolerance);
  });

  const cases: [string, Parameters<typeof disc>[5]][] = [
    ['a plain disc', {}],
    ['a dim disc', { level: 28 }],
    ['a disc with a notch', { notch: true }],
    ['a disc with a bright rim', { rim: true }],
    ['a disc clipped at top and bottom', { clipRows: 30 }],
  ];
  it.each(cases)('fits %s', (_name, options) => {
    const circle = findFundusCircle(disc(256, 192, 131, 97, 88, options), 256, 192);
    expect(circle.fitted).toBe(true);
    expect(Math.abs(circle.cx - 131)).toBeLessThan(1.5);
    expect(Math.abs(circle.cy - 97)).toBeLessThan(1.5);
    expect(Math.abs(circle.r - 88)).toBeLessThan(1.5);
  });

  it('reports a guess, not a fit, when there is no dark surround', () => {
    const rgb = new Uint8Array(200 * 100 * 3).fill(200);
    expect(findFundusCircle(rgb, 200, 100).fitted).toBe(false);
  });

  it('fits a circle exactly through points on it', () => {
    const xs = [0, 1, 2, 3, 4, 5].map((t) => 10 + 5 * Math.cos(t));
    const ys = [0, 1, 2, 3, 4, 5].map((t) => -3 + 5 * Math.sin(t));
    const c = fitCircle(xs, ys)!;
    expect(c.cx).toBeCloseTo(10, 6);
    expect(c.cy).toBeCloseTo(-3, 6);
    expect(c.r).toBeCloseTo(5, 6);
  });
});
