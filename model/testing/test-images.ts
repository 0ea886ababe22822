// Real photographs for model tests, read from ../shared/data (never copied), and a tiny PNG bomb.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { sharedDataDir } from '../inference/model-paths.ts';

export const SHARED_DATA = sharedDataDir();
export const ORIGINALS_DIR = path.join(SHARED_DATA, 'eyepacs-originals', 'images');

export function original(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(ORIGINALS_DIR, name)));
}

/** A PNG whose header claims `width`×`height` but carries almost no data: a decompression bomb in miniature. */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  const idat = chunk('IDAT', deflateSync(Buffer.alloc(64)));
  return new Uint8Array(
    Buffer.concat([signature, chunk('IHDR', ihdr), idat, chunk('IEND', Buffer.alloc(0))]),
  );
}

/** An uncompressed 16-bit RGB baseline TIFF (little-endian), as scientific cameras write them. */
export function tiff16(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number],
): Uint8Array {
  const tags: [number, number, number, number | number[]][] = []; // [tag, type, count, value]
  const dataOffset = 8;
  const dataBytes = width * height * 6;
  const bitsOffset = dataOffset + dataBytes;
  const ifdOffset = bitsOffset + 6;
  tags.push(
    [256, 4, 1, width],
    [257, 4, 1, height],
    [258, 3, 3, bitsOffset],
    [259, 3, 1, 1],
    [262, 3, 1, 2],
    [273, 4, 1, dataOffset],
    [277, 3, 1, 3],
    [278, 4, 1, height],
    [279, 4, 1, dataBytes],
    [284, 3, 1, 1],
  );
  const out = Buffer.alloc(ifdOffset + 2 + tags.length * 12 + 4);
  out.write('II', 0, 'ascii');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifdOffset, 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const o = dataOffset + (y * width + x) * 6;
      out.writeUInt16LE(r, o);
      out.writeUInt16LE(g, o + 2);
      out.writeUInt16LE(b, o + 4);
    }
  }
  for (let i = 0; i < 3; i++) out.writeUInt16LE(16, bitsOffset + i * 2);
  out.writeUInt16LE(tags.length, ifdOffset);
  tags.forEach(([tag, type, count, value], i) => {
    const o = ifdOffset + 2 + i * 12;
    out.writeUInt16LE(tag, o);
    out.writeUInt16LE(type, o + 2);
    out.writeUInt32LE(count, o + 4);
    if (type === 3 && count === 1) out.writeUInt16LE(value as number, o + 8);
    else out.writeUInt32LE(value as number, o + 8);
  });
  return new Uint8Array(out);
}

/** The eyepacs-256 training photographs (256 px, the base model's own training data): for load, never to judge. */
export const EYEPACS_256_DIR = path.join(SHARED_DATA, 'eyepacs-256', 'images');

/**
 * A real photograph as a camera's uncompressed 24-bit BMP of `width`×`height` (about 10 MB at the default): the
 * largest kind of file a clinic's camera sends, for memory tests and the bench.
 */
export async function largeBmp(file: string, width = 2200, height = 1540): Promise<Uint8Array> {
  const { data } = await sharp(file)
    .resize(width, height, { fit: 'contain', background: '#000' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const row = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + row * height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(-height, 22); // top row first
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      const d = 54 + y * row + x * 3;
      out[d] = data[s + 2]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s]!;
    }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
