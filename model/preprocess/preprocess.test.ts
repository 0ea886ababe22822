import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../image/decode.ts';
import { PIPELINE_PARAMS, preprocess } from './preprocess.ts';
import { original, pngHeaderOnly, tiff16 } from '../testing/test-images.ts';

const SIZE = 224;

function maskedStats(pixels: Float32Array, size: number, channel: number) {
  const c = size / 2;
  const r = c * PIPELINE_PARAMS.maskFraction * 0.9;
  const values: number[] = [];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if ((x + 0.5 - c) ** 2 + (y + 0.5 - c) ** 2 < r * r) values.push(pixels[(y * size + x) * 3 + channel]!);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std };
}

describe('preprocess (retina-lan-v1)', () => {
  it('turns a camera original into the model input and a preview of exactly that input', async () => {
    const pre = await preprocess(original('16_left.jpeg'), SIZE);
    expect(pre.decoded).toMatchObject({ width: 3888, height: 2592, mimeType: 'image/jpeg' });
    expect(pre.pixels).toHaveLength(SIZE * SIZE * 3);
    expect(pre.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    const preview = await sharp(pre.previewPng).raw().toBuffer({ resolveWithObject: true });
    expect(preview.info).toMatchObject({ width: SIZE, height: SIZE, channels: 3 });
    expect(Array.from(preview.data)).toEqual(Array.from(pre.pixels, (v) => Math.round(v * 255)));
  });

  it('normalises each channel inside the fundus to mid-grey with a fixed spread, grey outside', async () => {
    const pre = await preprocess(original('178_left.jpeg'), SIZE);
    for (let c = 0; c < 3; c++) {
      const { mean, std } = maskedStats(pre.pixels, SIZE, c);
      expect(mean).toBeCloseTo(0.5, 1);
      expect(std).toBeGreaterThan(0.08);
      expect(std).toBeLessThan(0.16);
    }
    expect(Array.from(pre.pixels.subarray(0, 3))).toEqual([0.5, 0.5, 0.5]); // the top-left corner
  });

  it('gives identical output for identical input', async () => {
    const bytes = original('13_left.jpeg');
    const [a, b] = [await preprocess(bytes, SIZE), await preprocess(bytes, SIZE)];
    expect(Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer))).toBe(true);
    expect(Buffer.from(a.previewPng).equals(Buffer.from(b.previewPng))).toBe(true);
  });

  it('pads where the camera clipped the circle: the canonical square is centred on the fundus', async () => {
    const pre = await preprocess(original('16_left.jpeg'), SIZE); // circle cut off at top and bottom
    const { size, mask } = pre.canonical;
    expect(mask[0]).toBe(0);
    expect(mask[(size / 2) * size + size / 2]).toBe(1);
    expect(mask[2 * size + size / 2]).toBe(0); // top rows lie outside the photograph
    expect(pre.circle.inFrame).toBeLessThan(0.95);
  });
});

describe('decodeImage', () => {
  const gradient = (channels: 3 | 4, width = 300, height = 200) => {
    const data = new Uint8Array(width * height * channels);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    return sharp(data, { raw: { width, height, channels } });
  };

  it('reads JPEG, PNG, 8- and 16-bit TIFF and WebP into 8-bit sRGB', async () => {
    const encoded = [
      await gradient(3).jpeg().toBuffer(),
      await gradient(3).png().toBuffer(),
      await gradient(3).tiff().toBuffer(),
      tiff16(300, 200, (x, y) => [x * 200, y * 300, 40000]),
      await gradient(3).webp().toBuffer(),
    ];
    expect((await sharp(encoded[3]!).metadata()).depth).toBe('ushort');
    const sixteen = await decodeImage(new Uint8Array(encoded[3]!));
    // 16-bit values scale to 8 bits: blue 40000/65535 of full scale.
    expect(sixteen.rgb[2]).toBeGreaterThan(140);
    expect(sixteen.rgb[2]).toBeLessThan(220);
    for (const bytes of encoded) {
      const decoded = await decodeImage(new Uint8Array(bytes));
      expect(decoded).toMatchObject({ width: 300, height: 200, rgbWidth: 300, rgbHeight: 200 });
      expect(decoded.rgb).toHaveLength(300 * 200 * 3);
    }
  });

  it('makes RGB of grayscale, CMYK and images with alpha, and applies EXIF orientation', async () => {
    const gray = await gradient(3).toColourspace('b-w').png().toBuffer();
    expect((await decodeImage(new Uint8Array(gray))).rgb).toHaveLength(300 * 200 * 3);
    const cmyk = await gradient(3).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    expect((await decodeImage(new Uint8Array(cmyk))).rgb).toHaveLength(300 * 200 * 3);
    const alpha = await gradient(4).png().toBuffer();
    expect((await decodeImage(new Uint8Array(alpha))).rgb).toHaveLength(300 * 200 * 3);
    const rotated = await gradient(3).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(await decodeImage(new Uint8Array(rotated))).toMatchObject({
      width: 200,
      height: 300,
      rgbWidth: 200,
    });
  });

  it('shrinks large photographs to the working size on load', async () => {
    const decoded = await decodeImage(original('10_left.jpeg'));
    expect(decoded).toMatchObject({ width: 4752, height: 3168, rgbWidth: PIPELINE_PARAMS.workingSize });
  });

  it('refuses non-images, other formats, truncated files and decompression bombs with clear codes', async () => {
    await expect(decodeImage(new TextEncoder().encode('hello, not a photo'))).rejects.toMatchObject({
      code: 'IMAGE_UNREADABLE',
    });
    await expect(decodeImage(new Uint8Array())).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    const gif = await gradient(3).gif().toBuffer();
    await expect(decodeImage(new Uint8Array(gif))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    const photo = original('178_left.jpeg');
    await expect(decodeImage(photo.subarray(0, photo.length / 3))).rejects.toMatchObject({
      code: 'IMAGE_UNREADABLE',
    });
    await expect(decodeImage(pngHeaderOnly(20_000, 20_000))).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
  });
});
