import { describe, expect, it } from 'vitest';
import { decodeBmp } from './bmp.ts';
import { decodeImage } from './decode.ts';

/** Writes a bottom-up BMP (BITMAPINFOHEADER) of the given depth from RGB pixels. */
function encodeBmp(
  width: number,
  height: number,
  rgb: number[][],
  bpp: 8 | 24 | 32,
  { topDown = false } = {},
): Uint8Array {
  const palette =
    bpp === 8 ? [...new Set(rgb.map((p) => p.join(',')))].map((s) => s.split(',').map(Number)) : [];
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const headerBytes = 14 + 40 + palette.length * 4;
  const out = Buffer.alloc(headerBytes + stride * height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(headerBytes, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(topDown ? -height : height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(bpp, 28);
  out.writeUInt32LE(palette.length, 46);
  palette.forEach(([r, g, b], i) => out.set([b!, g!, r!, 0], 54 + i * 4));
  for (let y = 0; y < height; y++) {
    const row = headerBytes + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb[y * width + x]!;
      if (bpp === 8) out[row + x] = palette.findIndex((p) => p[0] === r && p[1] === g && p[2] === b);
      else out.set([b!, g!, r!], row + x * (bpp / 8));
    }
  }
  return new Uint8Array(out);
}

const W = 5;
const H = 3;
const pixels = Array.from({ length: W * H }, (_, i) => [(i * 40) % 256, (i * 17) % 256, 255 - i * 10]);

describe('BMP', () => {
  it.each([8, 24, 32] as const)('decodes %i-bit bitmaps exactly', (bpp) => {
    const decoded = decodeBmp(encodeBmp(W, H, pixels, bpp), 1e6);
    expect(decoded).toMatchObject({ width: W, height: H });
    expect(Array.from(decoded.data)).toEqual(pixels.flat());
  });

  it('decodes top-down bitmaps', () => {
    expect(Array.from(decodeBmp(encodeBmp(W, H, pixels, 24, { topDown: true }), 1e6).data)).toEqual(
      pixels.flat(),
    );
  });

  it('goes through the pipeline decoder like any other format', async () => {
    const decoded = await decodeImage(encodeBmp(W, H, pixels, 24));
    expect(decoded).toMatchObject({ mimeType: 'image/bmp', width: W, height: H, rgbWidth: W });
    expect(Array.from(decoded.rgb)).toEqual(pixels.flat());
  });

  it('refuses truncated, compressed and oversized bitmaps', async () => {
    const bmp = encodeBmp(W, H, pixels, 24);
    await expect(decodeImage(bmp.subarray(0, bmp.length - 10))).rejects.toMatchObject({
      code: 'IMAGE_UNREADABLE',
    });
    const rle = new Uint8Array(bmp);
    new DataView(rle.buffer).setUint32(30, 1, true);
    await expect(decodeImage(rle)).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', message: /RLE/ });
    const huge = new Uint8Array(bmp);
    new DataView(huge.buffer).setInt32(18, 100_000, true);
    new DataView(huge.buffer).setInt32(22, 100_000, true);
    await expect(decodeImage(huge)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });
});
