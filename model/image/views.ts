import sharp from 'sharp';
import { decodeImage } from './decode.ts';

/** What the image viewer can show of a photograph. */
export type PhotoView = 'full' | 'redfree' | 'enhanced';

/** Longest side of the `full` view: camera originals are 3–5 k wide; 4096 keeps nearly all of their detail. */
export const FULL_VIEW_SIDE = 4096;

/**
 * Longest side of the red-free and enhanced views. CLAHE costs ~15 s on a 15 MP original on this class of CPU and
 * ~1.7 s at 1536 px, which still shows vessels, haemorrhages and exudates at the viewer's zoom.
 */
export const FILTERED_VIEW_SIDE = 1536;

/**
 * A photograph as the viewer shows it, as JPEG, from any format EyeNet imports: `full` as photographed; `redfree`
 * the green channel (where vessels, haemorrhages and microaneurysms have the most contrast, as in a fundus
 * camera's red-free mode) stretched and locally equalised; `enhanced` local contrast enhancement (CLAHE) of the
 * colour photograph, which brings out detail in dim regions.
 */
export async function renderPhotoView(bytes: Uint8Array, view: PhotoView): Promise<Uint8Array> {
  const decoded = await decodeImage(bytes, view === 'full' ? FULL_VIEW_SIDE : FILTERED_VIEW_SIDE);
  let image = sharp(decoded.rgb, {
    raw: { width: decoded.rgbWidth, height: decoded.rgbHeight, channels: 3 },
  });
  // 24-px tiles at 1536 px: about 1/64 of the width, the scale of the lesions a grader looks for.
  if (view === 'redfree')
    image = image.extractChannel('green').normalise().clahe({ width: 24, height: 24, maxSlope: 3 });
  if (view === 'enhanced') image = image.clahe({ width: 24, height: 24, maxSlope: 3 });
  const out = await image.jpeg({ quality: 90 }).toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
