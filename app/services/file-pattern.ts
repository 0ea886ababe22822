import { eyeFromFileName, eyeFromWord } from '../../domain/eye.ts';
import type { Eye } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';

/** A camera export names files like `<clinicId>_<left|right>.jpeg`; sites describe theirs with these tokens. */
export const DEFAULT_IMPORT_PATTERN = '{clinicId}_{eye}';

export interface FileNameMatch {
  clinicId: string;
  eye: Eye | null;
}

const TOKEN = /\{clinicId\}|\{eye\}|\*/g;

/**
 * Compiles a file-name pattern: `{clinicId}` (required, once), `{eye}` (left, right, OD or OS, optional)
 * and `*` (anything) between literal text. The extension is not part of the pattern.
 * Throws INVALID_INPUT with a message a site administrator can act on.
 */
export function compileFileNamePattern(pattern: string): (fileName: string) => FileNameMatch | null {
  const trimmed = pattern.trim();
  const ids = trimmed.split('{clinicId}').length - 1;
  const eyes = trimmed.split('{eye}').length - 1;
  if (ids !== 1) throw new AppError('INVALID_INPUT', 'The pattern must contain {clinicId} exactly once.');
  if (eyes > 1) throw new AppError('INVALID_INPUT', 'The pattern may contain {eye} at most once.');
  const stray = trimmed.replace(TOKEN, '');
  if (/[{}]/.test(stray))
    throw new AppError('INVALID_INPUT', 'Use only {clinicId}, {eye} and * as placeholders in the pattern.');
  // split() with a capturing group alternates literal text (even indexes) and tokens (odd indexes).
  const source = trimmed
    .split(/(\{clinicId\}|\{eye\}|\*)/)
    .map((piece, i) => {
      if (i % 2 === 0) return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (piece === '{clinicId}') return '(?<clinicId>.+?)';
      if (piece === '{eye}') return '(?<eye>left|right|od|os)';
      return '.*?';
    })
    .join('');
  const regex = new RegExp(`^${source}$`, 'iu');
  return (fileName) => {
    const base = fileName.split(/[\\/]/).pop() ?? fileName;
    const stem = base.replace(/\.[^.]+$/, '');
    const match = regex.exec(stem);
    const clinicId = match?.groups?.clinicId?.trim();
    if (!match || !clinicId) return null;
    const word = match.groups?.eye?.toLowerCase();
    const eye: Eye | null = word ? eyeFromWord(word) : eyeFromFileName(base);
    return { clinicId, eye };
  };
}
