import sharp, { type Metadata } from 'sharp';
import { bmpSize, decodeBmp, isBmp } from './bmp.ts';
import { AppError } from '../../domain/errors.ts';

/** Decompression-bomb guard: no fundus camera we know of exceeds ~25 MP; 80 MP leaves room. */
export const MAX_INPUT_PIXELS = 80_000_000;

/** Default longest side of the working copy; JPEG shrink-on-load makes decoding to it cheap. */
export const WORKING_SIZE = 1024;

/** The formats fundus cameras write. GIF, SVG, HEIF and the rest are refused: no camera produces them. */
const MIME_BY_FORMAT: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
  webp: 'image/webp',
};

export interface DecodedImage {
  /** Size of the original photograph after EXIF orientation. */
  width: number;
  height: number;
  mimeType: string;
  /** 8-bit sRGB working copy, 3 channels, longest side at most the working size. */
  rgb: Uint8Array;
  rgbWidth: number;
  rgbHeight: number;
}

function tooLarge(width: number, height: number): AppError {
  return new AppError(
    'IMAGE_TOO_LARGE',
    `The image is ${width}×${height} pixels, more than the ${MAX_INPUT_PIXELS / 1e6} MP EyeNet accepts.`,
  );
}

async function decodeBmpImage(bytes: Uint8Array, workingSize: number): Promise<DecodedImage> {
  const size = bmpSize(bytes);
  if (size.width * size.height > MAX_INPUT_PIXELS) throw tooLarge(size.width, size.height);
  const bmp = decodeBmp(bytes, MAX_INPUT_PIXELS);
  const { data, info } = await sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 3 } })
    .resize({ width: workingSize, height: workingSize, fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: bmp.width,
    height: bmp.height,
    mimeType: 'image/bmp',
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    rgbWidth: info.width,
    rgbHeight: info.height,
  };
}

/**
 * Decodes a photograph into an 8-bit sRGB working copy (longest side at most `workingSize`): EXIF orientation
 * applied; grayscale, CMYK, 16-bit and alpha made plain RGB. Refuses non-images, damaged files and bombs.
 */
export async function decodeImage(
  bytes: Uint8Array,
  workingSize: number = WORKING_SIZE,
): Promise<DecodedImage> {
  if (bytes.byteLength === 0) throw new AppError('IMAGE_UNREADABLE', 'The file is empty.');
  if (isBmp(bytes)) return decodeBmpImage(bytes, workingSize);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new AppError(
      'IMAGE_UNREADABLE',
      'The file is not an image EyeNet can read (JPEG, PNG, TIFF, WebP, BMP).',
    );
  }
  const format = meta.format ?? '';
  const mimeType = MIME_BY_FORMAT[format];
  if (!mimeType || !meta.width || !meta.height) {
    throw new AppError('IMAGE_UNREADABLE', `Unsupported image format "${format || 'unknown'}".`);
  }
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw tooLarge(meta.width, meta.height);
  const swapped = (meta.orientation ?? 1) >= 5;
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: workingSize, height: workingSize, fit: 'inside', withoutEnlargement: true })
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
    throw new AppError(
      'IMAGE_UNREADABLE',
      `The image could not be decoded (${error instanceof Error ? error.message.split('\n')[0] : 'unknown error'}); ` +
        'the file may be truncated or damaged.',
    );
  }
}
