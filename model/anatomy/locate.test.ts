import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../testing/test-images.ts';
import { preprocess } from '../preprocess/preprocess.ts';
import { DISC_DIAMETER, locateLandmarks } from './locate.ts';

interface Marked {
  set: string;
  name: string;
  disc: [number, number] | null;
  fovea: [number, number] | null;
}

const marked = (
  JSON.parse(readFileSync(new URL('./marked-positions.json', import.meta.url), 'utf8')) as {
    photographs: Marked[];
  }
).photographs;

describe('locating the optic disc and the fovea', () => {
  it('finds them where they were marked by hand on real photographs of three sets', async () => {
    const discErrors: number[] = [];
    const foveaErrors: number[] = [];
    for (const m of marked) {
      const bytes = new Uint8Array(readFileSync(path.join(SHARED_DATA, m.set, 'images', `${m.name}.jpeg`)));
      const pre = await preprocess(bytes, 224);
      const found = locateLandmarks(pre.canonical.rgb, pre.canonical.mask, pre.canonical.size);
      expect(found, m.name).not.toBeNull();
      // In disc diameters, the unit graders use.
      const dist = (p: { x: number; y: number }, q: [number, number]) =>
        Math.hypot(p.x - q[0], p.y - q[1]) / DISC_DIAMETER;
      if (m.disc) discErrors.push(dist(found!.disc, m.disc));
      if (m.fovea) foveaErrors.push(dist(found!.fovea, m.fovea));
    }
    const share = (errors: number[], within: number) =>
      errors.filter((e) => e <= within).length / errors.length;
    const median = (errors: number[]) => [...errors].sort((a, b) => a - b)[Math.floor(errors.length / 2)]!;
    expect(discErrors.length).toBeGreaterThanOrEqual(20);
    expect(foveaErrors.length).toBeGreaterThanOrEqual(20);
    // The disc within half a disc diameter on at least 85%; the fovea within one on at least 85%.
    expect(share(discErrors, 0.5)).toBeGreaterThanOrEqual(0.85);
    expect(share(foveaErrors, 1)).toBeGreaterThanOrEqual(0.85);
    expect(median(discErrors)).toBeLessThan(0.2);
    expect(median(foveaErrors)).toBeLessThan(0.3);
  }, 120_000);

  it('finds nothing in a photograph with no fundus', () => {
    const size = 64;
    const mask = new Uint8Array(size * size);
    expect(locateLandmarks(new Uint8Array(size * size * 3), mask, size)).toBeNull();
  });
});
