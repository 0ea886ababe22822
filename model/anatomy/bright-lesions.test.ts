import { describe, expect, it } from 'vitest';
import { original } from '../testing/test-images.ts';
import { preprocess } from '../preprocess/preprocess.ts';
import { brightLesionFeatures } from './bright-lesions.ts';
import { DISC_DIAMETER, locateLandmarks } from './locate.ts';

describe('bright lesions near the fovea', () => {
  it('counts yellow-white spots within a disc diameter of the fovea, and not elsewhere', async () => {
    const pre = await preprocess(original('13_left.jpeg'), 224);
    const { size, rgb, mask } = pre.canonical;
    const landmarks = locateLandmarks(rgb, mask, size)!;
    const before = brightLesionFeatures(pre.canonical, landmarks);
    // Ten exudate-like dots (3 px, yellow-white) half a disc diameter around the located fovea.
    const spotted = rgb.slice();
    const dd = DISC_DIAMETER * size;
    for (let k = 0; k < 10; k++) {
      const cx = Math.round(landmarks.fovea.x * size + 0.5 * dd * Math.cos(k));
      const cy = Math.round(landmarks.fovea.y * size + 0.5 * dd * Math.sin(k));
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const p = (cy + dy) * size + cx + dx;
          spotted[p * 3] = 255;
          spotted[p * 3 + 1] = 240;
          spotted[p * 3 + 2] = 150;
        }
    }
    const after = brightLesionFeatures({ size, rgb: spotted, mask }, landmarks);
    expect(after.strongNear).toBeGreaterThan(before.strongNear + 80 / (Math.PI * dd * dd));
    expect(after.strongRing).toBeCloseTo(before.strongRing, 3);
  });
});
