import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * DejaVu Sans, embedded (and subset) in every report. PDF's built-in Helvetica covers only Western European
 * letters; a patient named Łukasz, Σοφία or Дарья must print as written.
 */
function fontDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

export const REPORT_FONTS = {
  regular: path.join(fontDir(), 'DejaVuSans.ttf'),
  bold: path.join(fontDir(), 'DejaVuSans-Bold.ttf'),
} as const;
