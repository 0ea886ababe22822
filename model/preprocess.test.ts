import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.ts';
import { preprocess } from './preprocess.ts';
import { assessQuality } from './quality.ts';
import { original, pngHeaderOnly, solidJpeg } from './test-images.ts';

const SIZE = 224;

describe('preprocess', () => {
  it('turns a camera original into the model input and a preview of exactly that input', async () => {
    const pre = await preprocess(original('16_left.jpeg'), SIZE);
    expect(pre.decoded).toMatchObject({ width: 3888, height: 2592, mimeType: 'image/jpeg' });
    expect(pre.pixels).toHaveLength(SIZE * SIZE * 3);
    expect(pre.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    const preview = await sharp(pre.previewPng).raw().toBuffer({ resolveWithObject: true });
    expect(preview.info).toMatchObject({ width: SIZE, height: SIZE, channels: 3 });
    expect(Array.from(preview.data.subarray(0, 3000))).toEqual(
      Array.from(pre.pixels.subarray(0, 3000), (v) => Math.round(v * 255)),
    );
  });

  it('crops to the fundus: the black border of a wide frame is mostly gone', async () => {
    const pre = await preprocess(original('10_left.jpeg'), SIZE);
    // The fundus of this 3:2 frame fills about half of it; after cropping it fills most of the square.
    expect(pre.fov.fraction).toBeLessThan(0.6);
    let lit = 0;
    for (let p = 0; p < SIZE * SIZE; p++) if (pre.pixels[p * 3]! + pre.pixels[p * 3 + 1]! > 0.08) lit++;
    expect(lit / (SIZE * SIZE)).toBeGreaterThan(0.7);
  });

  it('gives identical output for identical input', async () => {
    const bytes = original('178_left.jpeg');
    const [a, b] = [await preprocess(bytes, SIZE), await preprocess(bytes, SIZE)];
    expect(Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer))).toBe(true);
    expect(Buffer.from(a.previewPng).equals(Buffer.from(b.previewPng))).toBe(true);
  });

  it('makes RGB of grayscale and of images with alpha, and applies EXIF orientation', async () => {
    const gray = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080' } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await decodeImage(new Uint8Array(gray))).rgb).toHaveLength(300 * 200 * 3);
    const alpha = await sharp({
      create: { width: 300, height: 200, channels: 4, background: { r: 9, g: 9, b: 9, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    expect((await decodeImage(new Uint8Array(alpha))).rgb).toHaveLength(300 * 200 * 3);
    const rotated = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#444' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect(await decodeImage(new Uint8Array(rotated))).toMatchObject({
      width: 200,
      height: 300,
      rgbWidth: 200,
    });
  });

  it('refuses non-images, truncated files and decompression bombs with clear codes', async () => {
    await expect(decodeImage(new TextEncoder().encode('hello, not a photo'))).rejects.toMatchObject({
      code: 'IMAGE_UNREADABLE',
    });
    await expect(decodeImage(new Uint8Array())).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    const photo = original('178_left.jpeg');
    await expect(decodeImage(photo.subarray(0, photo.length / 3))).rejects.toMatchObject({
      code: 'IMAGE_UNREADABLE',
    });
    await expect(decodeImage(pngHeaderOnly(20_000, 20_000))).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
  });
});

describe('first quality gate', () => {
  it('passes a good camera photograph', async () => {
    const pre = await preprocess(original('16_left.jpeg'), SIZE);
    expect(assessQuality(pre.decoded.rgb, pre.fov)).toMatchObject({ gradable: true, reasons: [] });
  });

  it('finds no fundus in a black frame', async () => {
    const pre = await preprocess(await solidJpeg(800, 600, [0, 0, 0]), SIZE);
    expect(assessQuality(pre.decoded.rgb, pre.fov)).toMatchObject({
      gradable: false,
      reasons: ['no_fundus'],
    });
  });

  it('flags a good photograph darkened to near black as too dark', async () => {
    const dark = await sharp(original('16_left.jpeg')).linear(0.08, 0).jpeg().toBuffer();
    const pre = await preprocess(new Uint8Array(dark), SIZE);
    expect(assessQuality(pre.decoded.rgb, pre.fov).reasons).toContain('too_dark');
  });

  it('flags a white page as over-exposed', async () => {
    const pre = await preprocess(await solidJpeg(800, 600, [255, 255, 255]), SIZE);
    expect(assessQuality(pre.decoded.rgb, pre.fov).reasons).toContain('over_exposed');
  });
});
