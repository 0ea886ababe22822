// Synthetic and real photographs for model tests. Real ones are read from ../shared/data, never copied.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { projectRoot } from './model-paths.ts';

export const SHARED_DATA = path.resolve(projectRoot(), '..', 'shared', 'data');
export const ORIGINALS_DIR = path.join(SHARED_DATA, 'eyepacs-originals', 'images');

export function original(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(ORIGINALS_DIR, name)));
}

export async function solidJpeg(
  width: number,
  height: number,
  rgb: [number, number, number],
): Promise<Uint8Array> {
  const [r, g, b] = rgb;
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
      .jpeg()
      .toBuffer(),
  );
}

/** A PNG whose header claims `width`×`height` but carries no pixels: a decompression bomb in miniature. */
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
