import sharp, { type Metadata } from 'sharp';
import { ImageError } from './image-error.ts';

/** Decompression-bomb guard: no fundus camera we know of exceeds ~25 MP; 80 MP leaves room. */
export const MAX_INPUT_PIXELS = 80_000_000;

/** The longest side of the working copy all analysis runs on; shrink-on-load makes decoding it cheap. */
export const WORKING_SIZE = 512;

const MIME_BY_FORMAT: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
};

export interface DecodedImage {
  /** Size of the original photograph after EXIF orientation. */
  width: number;
  height: number;
  mimeType: string;
  /** 8-bit sRGB working copy, 3 channels, longest side at most WORKING_SIZE. */
  rgb: Uint8Array;
  rgbWidth: number;
  rgbHeight: number;
}

/** Decodes any supported photograph into a small sRGB working copy, refusing non-images and bombs. */
export async function decodeImage(bytes: Uint8Array): Promise<DecodedImage> {
  if (bytes.byteLength === 0) throw new ImageError('IMAGE_UNREADABLE', 'The file is empty.');
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageError(
      'IMAGE_UNREADABLE',
      'The file is not an image EyeNet can read (JPEG, PNG, TIFF, WebP, BMP).',
    );
  }
  const format = meta.format ?? '';
  const mimeType = MIME_BY_FORMAT[format];
  if (!mimeType || !meta.width || !meta.height) {
    throw new ImageError('IMAGE_UNREADABLE', `Unsupported image format "${format || 'unknown'}".`);
  }
  if (meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw new ImageError(
      'IMAGE_TOO_LARGE',
      `The image is ${meta.width}×${meta.height} pixels, more than the ${MAX_INPUT_PIXELS / 1e6} MP EyeNet accepts.`,
    );
  }
  const swapped = (meta.orientation ?? 1) >= 5;
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: WORKING_SIZE, height: WORKING_SIZE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return {
      width: swapped ? meta.height : meta.width,
      height: swapped ? meta.width : meta.height,
      mimeType,
      rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      rgbWidth: info.width,
      rgbHeight: info.height,
    };
  } catch (error) {
    throw new ImageError(
      'IMAGE_UNREADABLE',
      `The image could not be decoded (${error instanceof Error ? error.message.split('\n')[0] : 'unknown error'}); ` +
        'the file may be truncated or damaged.',
    );
  }
}
