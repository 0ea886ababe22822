import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.bmp']);

/** Named like a photograph EyeNet can decode (by extension only; decoding decides the rest). */
export function hasImageExtension(fileName: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(fileName).toLowerCase());
}

/**
 * Expands CLI arguments into files: a folder contributes its image files (by extension, sorted, not
 * recursive); a file named explicitly is always included, so a wrong file gets a clear error, not silence.
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
      const entries = await readdir(arg, { withFileTypes: true });
      files.push(
        ...entries
          .filter((e) => e.isFile() && !e.name.startsWith('.') && hasImageExtension(e.name))
          .map((e) => path.join(arg, e.name))
          .sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
      );
    } else {
      files.push(arg);
    }
  }
  return { files, missing };
}
