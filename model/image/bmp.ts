import { AppError } from '../../domain/errors.ts';

// sharp's bundled libvips reads no BMP, and some fundus cameras still export it, so EyeNet decodes the
// uncompressed variants itself: 1/4/8-bit palette, 16-bit (5-5-5 or bit fields), 24-bit and 32-bit.

export interface RawImage {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, top row first. */
  data: Uint8Array;
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 26 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

const unreadable = (why: string) => new AppError('IMAGE_UNREADABLE', `This BMP file cannot be read: ${why}.`);

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/** Reads the header only: for the pixel-count guard before anything is allocated. */
export function bmpSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.length < 26) throw unreadable('the header is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(14, true);
  if (headerSize === 12) return { width: view.getUint16(18, true), height: view.getUint16(20, true) };
  return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
}

export function decodeBmp(bytes: Uint8Array, maxPixels: number): RawImage {
  if (!isBmp(bytes)) throw unreadable('not a BMP');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number) => {
    if (n > bytes.length) throw unreadable('the file is truncated');
  };
  need(54);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw unreadable('OS/2 bitmaps are not supported');
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colorsUsed = view.getUint32(46, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height <= 0) throw unreadable('it has no pixels');
  if (width * height > maxPixels) {
    throw new AppError(
      'IMAGE_TOO_LARGE',
      `The image is ${width}×${height} pixels, more than EyeNet accepts.`,
    );
  }
  const bitFields = compression === 3 || compression === 6;
  if (compression !== 0 && !bitFields) throw unreadable('compressed (RLE) bitmaps are not supported');

  let masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (bitFields) {
    need(14 + 40 + 12);
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  }
  const palette: number[][] = [];
  if (bpp <= 8) {
    const count = colorsUsed || 1 << bpp;
    const start = 14 + headerSize;
    need(start + count * 4);
    for (let i = 0; i < count; i++) {
      palette.push([bytes[start + i * 4 + 2]!, bytes[start + i * 4 + 1]!, bytes[start + i * 4]!]);
    }
  } else if (![16, 24, 32].includes(bpp)) {
    throw unreadable(`${bpp} bits per pixel is not a known depth`);
  }

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  need(pixelOffset + stride * height);
  const out = new Uint8Array(width * height * 3);
  const fields = masks.map(maskShift);
  for (let row = 0; row < height; row++) {
    const y = topDown ? row : height - 1 - row;
    const rowStart = pixelOffset + row * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (bpp <= 8) {
        const bitOffset = x * bpp;
        const byte = bytes[rowStart + (bitOffset >> 3)]!;
        const index = (byte >> (8 - bpp - (bitOffset & 7))) & ((1 << bpp) - 1);
        const colour = palette[index] ?? [0, 0, 0];
        out[o] = colour[0]!;
        out[o + 1] = colour[1]!;
        out[o + 2] = colour[2]!;
      } else if (bpp === 24) {
        const p = rowStart + x * 3;
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      } else {
        const value =
          bpp === 16 ? view.getUint16(rowStart + x * 2, true) : view.getUint32(rowStart + x * 4, true);
        for (let c = 0; c < 3; c++) {
          const { shift, max } = fields[c]!;
          out[o + c] = max ? Math.round((((value & masks[c]!) >>> shift) * 255) / max) : 0;
        }
      }
    }
  }
  return { width, height, data: out };
}
