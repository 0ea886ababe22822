import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.bmp']);

/** DICOM files as fundus cameras name them (the grade CLI reads them; the app routes them by content). */
export const DICOM_EXTENSIONS = new Set(['.dcm', '.dicom']);

/** Named like a photograph EyeNet can decode (by extension only; decoding decides the rest). */
export function hasImageExtension(fileName: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(fileName).toLowerCase());
}

/** The image files under a folder and its sub-folders (hidden entries skipped), sorted naturally. */
async function imagesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await imagesUnder(full)));
    else if (
      entry.isFile() &&
      (hasImageExtension(entry.name) || DICOM_EXTENSIONS.has(path.extname(entry.name).toLowerCase()))
    )
      found.push(full);
  }
  return found.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Expands CLI arguments into files: a folder contributes the image files in it and its sub-folders (by
 * extension, sorted; a camera export often nests them, e.g. `eyepacs-originals/images`); a file named
 * explicitly is always included, so a wrong file gets a clear error, not silence.
 */
export async function listImageFiles(
  args: readonly string[],
): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  for (const arg of args) {
    let info;
    try {
      info = await stat(arg);
    } catch {
      missing.push(arg);
      continue;
    }
    if (info.isDirectory()) {
      files.push(...(await imagesUnder(arg)));
    } else {
      files.push(arg);
    }
  }
  return { files, missing };
}
