import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.bmp']);

/** DICOM files as fundus cameras name them (the grade CLI reads them; the app routes them by content). */
export const DICOM_EXTENSIONS = new Set(['.dcm', '.dicom']);

/** Named like a photograph EyeNet can decode (by extension only; decoding decides the rest). */
export function hasImageExtension(fileName: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(fileName).toLowerCase());
}

const isPhotoName = (name: string) =>
  hasImageExtension(name) || DICOM_EXTENSIONS.has(path.extname(name).toLowerCase());

/** A path that cannot be graded, and why, in a sentence (a missing file, a link that leads nowhere or in a circle). */
export interface UnreadablePath {
  path: string;
  code: 'NOT_FOUND' | 'LINK_LOOP' | 'BROKEN_LINK' | 'PERMISSION_DENIED';
  message: string;
}

function unreadable(file: string, error: unknown, viaLink: boolean): UnreadablePath {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP')
    return { path: file, code: 'LINK_LOOP', message: 'This symbolic link leads around in a circle.' };
  if (code === 'EACCES' || code === 'EPERM')
    return {
      path: file,
      code: 'PERMISSION_DENIED',
      message: 'EyeNet may not read this (permission denied).',
    };
  if (viaLink)
    return {
      path: file,
      code: 'BROKEN_LINK',
      message: 'This symbolic link points to a file that is not there.',
    };
  return { path: file, code: 'NOT_FOUND', message: 'No such file or folder.' };
}

/**
 * The image files under a folder and its sub-folders (hidden entries skipped), sorted naturally. Symbolic links
 * are followed, to files and to folders (a camera export is often a folder of links); each folder is walked once,
 * so a link back up the tree cannot loop; a link that leads nowhere is reported, never skipped in silence.
 */
async function imagesUnder(folder: string, seen: Set<string>, problems: UnreadablePath[]): Promise<string[]> {
  const real = await realpath(folder);
  if (seen.has(real)) return [];
  seen.add(real);
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(folder, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(full);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch (error) {
        if (isPhotoName(entry.name) || (error as NodeJS.ErrnoException).code === 'ELOOP')
          problems.push(unreadable(full, error, true));
        continue;
      }
    }
    if (isDirectory) found.push(...(await imagesUnder(full, seen, problems)));
    else if (isFile && isPhotoName(entry.name)) found.push(full);
  }
  return found.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Expands CLI arguments into files: a folder contributes the image files in it and its sub-folders (by
 * extension, sorted; a camera export often nests them, e.g. `eyepacs-originals/images`); a file named
 * explicitly is always included, so a wrong file gets a clear error, not silence. What cannot be read is
 * listed with why.
 */
export async function listImageFiles(
  args: readonly string[],
): Promise<{ files: string[]; missing: UnreadablePath[] }> {
  const files: string[] = [];
  const missing: UnreadablePath[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    let info;
    try {
      info = await stat(arg);
    } catch (error) {
      const isLink = await lstat(arg).then(
        (l) => l.isSymbolicLink(),
        () => false,
      );
      missing.push(unreadable(arg, error, isLink));
      continue;
    }
    if (info.isDirectory()) {
      files.push(...(await imagesUnder(arg, seen, missing)));
    } else {
      files.push(arg);
    }
  }
  return { files, missing };
}
