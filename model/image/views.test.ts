import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { darkened } from '../testing/synthetic-images.ts';
import { original } from '../testing/test-images.ts';
import { brighteningGain, renderPhotoView } from './views.ts';

const meanOf = async (jpeg: Uint8Array) => (await sharp(jpeg).greyscale().stats()).channels[0]!.mean;

describe('viewer images', () => {
  it('brightens the lit part of a dim photograph to a normal level, never darkens, and caps the gain', () => {
    const pixels = (level: number, lit: number) => {
      const rgb = new Uint8Array(300 * 3);
      rgb.fill(level, 0, lit * 3);
      return rgb;
    };
    // 100 of 300 pixels at 0.1 (the black surround does not count): brought to 0.4.
    expect(brighteningGain(pixels(Math.round(0.1 * 255), 100))).toBeCloseTo(0.4 / (26 / 255), 2);
    expect(brighteningGain(pixels(200, 300))).toBe(1);
    expect(brighteningGain(pixels(7, 300))).toBe(8);
    expect(brighteningGain(new Uint8Array(30))).toBe(1);
  });

  it('makes a brightened view of a dim photograph, and the red-free view as one channel', async () => {
    const dim = await darkened(original('16_left.jpeg'), 0.3);
    const [asTaken, brightened] = [
      await renderPhotoView(dim, 'full'),
      await renderPhotoView(dim, 'brightened'),
    ];
    expect(await meanOf(brightened)).toBeGreaterThan(2 * (await meanOf(asTaken)));
    const meta = await sharp(await renderPhotoView(dim, 'redfree')).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.channels).toBe(1);
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1536);
  });
});
