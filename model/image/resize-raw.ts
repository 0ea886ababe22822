import sharp from 'sharp';

/** Resizes packed 8-bit RGB with sharp (Lanczos), returning packed RGB. */
export async function resizeRaw(
  rgb: Uint8Array,
  width: number,
  height: number,
  toWidth: number,
  toHeight: number,
  fit: 'fill' | 'inside',
): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(toWidth, toHeight, { fit, kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}
