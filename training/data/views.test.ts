import { describe, expect, it } from 'vitest';
import { augment, mirror, randomAugmentation, views } from './views.ts';

const size = 8;
const image = Float32Array.from({ length: size * size * 3 }, (_, i) => (i % 17) / 17);

describe('training views', () => {
  it('mirrors left–right, and twice is the identity', () => {
    const m = mirror(image, size);
    expect(m[0]).toBe(image[(size - 1) * 3]);
    expect(mirror(m, size)).toEqual(image);
  });

  it('leaves the image alone for the identity augmentation', () => {
    const same = augment(image, size, { angle: 0, scale: 1, mirror: false, contrast: 1, brightness: 0 });
    same.forEach((v, i) => expect(v).toBeCloseTo(image[i]!, 5));
  });

  it('rotates by a half turn exactly', () => {
    const turned = augment(image, size, {
      angle: Math.PI,
      scale: 1,
      mirror: false,
      contrast: 1,
      brightness: 0,
    });
    expect(turned[0]).toBeCloseTo(image[(size * size - 1) * 3]!, 5);
  });

  it('is reproducible per image and stays in [0, 1]', () => {
    expect(randomAugmentation(42)).toEqual(randomAugmentation(42));
    const [, , a] = views(image, size, '10_left');
    const [, , b] = views(image, size, '10_left');
    expect(a).toEqual(b);
    expect(a!.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
