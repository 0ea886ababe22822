import sharp from 'sharp';
import { decodeImage, type DecodedImage } from './decode.ts';
import { findFieldOfView, type FieldOfView } from './fov.ts';

/** Preprocessing ids this code implements; a model asking for another one is refused at load. */
export const KNOWN_PREPROCESSING: readonly string[] = ['fov-crop-v0'];

export interface Preprocessed {
  decoded: DecodedImage;
  fov: FieldOfView;
  /** inputSize × inputSize × 3 floats in [0, 1], row-major RGB: exactly what the model receives. */
  pixels: Float32Array;
  inputSize: number;
  previewPng: Uint8Array;
  thumbnailJpeg: Uint8Array;
  decodeMs: number;
  preprocessMs: number;
}

/**
 * `fov-crop-v0`: crop the working copy to the fundus bounding box, letterbox it to a black square of the
 * model's input size, scale to [0, 1]. Cropping to the fundus (rather than a fixed centre square, as the 2017
 * EyeNet did) keeps large fundi whole and drops the black border of small ones.
 */
export async function preprocess(bytes: Uint8Array, inputSize: number): Promise<Preprocessed> {
  const t0 = performance.now();
  const decoded = await decodeImage(bytes);
  const t1 = performance.now();
  const fov = findFieldOfView(decoded.rgb, decoded.rgbWidth, decoded.rgbHeight);
  const working = () =>
    sharp(decoded.rgb, { raw: { width: decoded.rgbWidth, height: decoded.rgbHeight, channels: 3 } });
  const region =
    fov.width > 0 && fov.height > 0
      ? { left: fov.left, top: fov.top, width: fov.width, height: fov.height }
      : { left: 0, top: 0, width: decoded.rgbWidth, height: decoded.rgbHeight };
  const square = await working()
    .extract(region)
    .resize(inputSize, inputSize, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
    .raw()
    .toBuffer();
  const pixels = new Float32Array(square.length);
  for (let i = 0; i < square.length; i++) pixels[i] = square[i]! / 255;
  const [previewPng, thumbnailJpeg] = await Promise.all([
    sharp(square, { raw: { width: inputSize, height: inputSize, channels: 3 } })
      .png()
      .toBuffer(),
    working().resize({ width: 384, height: 384, fit: 'inside' }).jpeg({ quality: 82 }).toBuffer(),
  ]);
  const t2 = performance.now();
  return {
    decoded,
    fov,
    pixels,
    inputSize,
    previewPng: new Uint8Array(previewPng),
    thumbnailJpeg: new Uint8Array(thumbnailJpeg),
    decodeMs: t1 - t0,
    preprocessMs: t2 - t1,
  };
}
