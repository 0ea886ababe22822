import { eyeFromFileName, eyeFromWord } from '../../domain/eye.ts';
import type { Eye } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';

/** A camera export names files like `<clinicId>_<left|right>.jpeg`; sites describe theirs with these tokens. */
export const DEFAULT_IMPORT_PATTERN = '{clinicId}_{eye}';

/** Longer patterns are refused; longer file names never match (no file system allows them anyway). */
export const MAX_PATTERN_LENGTH = 100;
export const MAX_FILE_NAME_LENGTH = 255;

export interface FileNameMatch {
  clinicId: string;
  eye: Eye | null;
}

const EYE_WORDS = ['left', 'right', 'od', 'os'] as const;

/**
 * Literal text with at most one `{eye}` in it: what stands between two wildcards. Its alternatives are the
 * text with each eye word put in, lower-cased (matching ignores case).
 */
interface Segment {
  readonly alternatives: readonly string[];
  readonly hasEye: boolean;
}

interface Found {
  start: number;
  end: number;
  eye: string | null;
}

function segmentOf(text: string): Segment {
  const lower = text.toLowerCase();
  if (!lower.includes('{eye}')) return { alternatives: [lower], hasEye: false };
  return { alternatives: EYE_WORDS.map((w) => lower.replace('{eye}', w)), hasEye: true };
}

/** Where an alternative's eye word sits, so the word can be read back from the name. */
function eyeWordAt(segment: Segment, alternative: number): string | null {
  return segment.hasEye ? EYE_WORDS[alternative]! : null;
}

/** The first place at or after `from` where the segment occurs in `name` (already lower-cased). */
function findFirst(name: string, segment: Segment, from: number, limit: number): Found | null {
  let best: Found | null = null;
  segment.alternatives.forEach((alt, i) => {
    const start = name.indexOf(alt, from);
    if (start < 0 || start + alt.length > limit) return;
    if (!best || start < best.start) best = { start, end: start + alt.length, eye: eyeWordAt(segment, i) };
  });
  return best;
}

/** The segment at the very start (`atStart`) or end of `name`, else null. */
function findAnchored(name: string, segment: Segment, atStart: boolean): Found | null {
  for (const [i, alt] of segment.alternatives.entries()) {
    const start = atStart ? 0 : name.length - alt.length;
    if (start >= 0 && name.startsWith(alt, start))
      return { start, end: start + alt.length, eye: eyeWordAt(segment, i) };
  }
  return null;
}

/**
 * Checks a pattern and splits it into segments and the wildcards between them. Two wildcards side by side
 * (`**`, `*{clinicId}`) are refused: nothing in the name could say where one ends and the other begins.
 */
function parsePattern(pattern: string): { segments: Segment[]; wildcards: ('id' | 'any')[] } {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new AppError('INVALID_INPUT', `The pattern may be at most ${MAX_PATTERN_LENGTH} characters long.`);
  const ids = pattern.split('{clinicId}').length - 1;
  const eyes = pattern.split('{eye}').length - 1;
  if (ids !== 1) throw new AppError('INVALID_INPUT', 'The pattern must contain {clinicId} exactly once.');
  if (eyes > 1) throw new AppError('INVALID_INPUT', 'The pattern may contain {eye} at most once.');
  if (/[{}]/.test(pattern.replace(/\{clinicId\}|\{eye\}|\*/g, '')))
    throw new AppError('INVALID_INPUT', 'Use only {clinicId}, {eye} and * as placeholders in the pattern.');
  // split() with a capturing group alternates literal text (even indexes) and wildcards (odd indexes).
  const pieces = pattern.split(/(\{clinicId\}|\*)/);
  const segments: Segment[] = [];
  const wildcards: ('id' | 'any')[] = [];
  pieces.forEach((piece, i) => {
    if (i % 2 === 1) {
      wildcards.push(piece === '*' ? 'any' : 'id');
      return;
    }
    const inner = i > 0 && i < pieces.length - 1;
    if (inner && piece === '')
      throw new AppError(
        'INVALID_INPUT',
        'Put some literal text (such as _ or -) between two placeholders: {clinicId} and * cannot touch each other, and neither can two *.',
      );
    segments.push(segmentOf(piece));
  });
  return { segments, wildcards };
}

/**
 * Compiles a file-name pattern: `{clinicId}` (required, once), `{eye}` (left, right, OD or OS, optional)
 * and `*` (anything) between literal text. The extension is not part of the pattern.
 *
 * Matching never backtracks: the first segment must start the name and the last must end it, and each segment
 * between them is taken at its first place after the one before (each wildcard as short as it can be, as
 * a lazy regular expression would). That is one left-to-right pass, linear in the name's length, where a
 * backtracking regular expression of several wildcards can take minutes on one long name.
 * Throws INVALID_INPUT with a message a site administrator can act on.
 */
export function compileFileNamePattern(pattern: string): (fileName: string) => FileNameMatch | null {
  const { segments, wildcards } = parsePattern(pattern.trim());
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  return (fileName) => {
    const base = fileName.split(/[\\/]/).pop() ?? fileName;
    if (base.length > MAX_FILE_NAME_LENGTH) return null;
    const stem = base.replace(/\.[^.]+$/, '');
    const name = stem.toLowerCase();
    const head = findAnchored(name, first, true);
    const tail = findAnchored(name, last, false);
    if (!head || !tail || tail.start < head.end) return null;
    let eyeWord = head.eye ?? tail.eye;
    let clinicId: string | null = null;
    let position = head.end;
    for (const [i, wildcard] of wildcards.entries()) {
      const isLast = i === wildcards.length - 1;
      // {clinicId} takes at least one character; * may take none.
      const from = position + (wildcard === 'id' ? 1 : 0);
      const next = isLast
        ? tail.start >= from
          ? tail
          : null
        : findFirst(name, segments[i + 1]!, from, tail.start);
      if (!next) return null;
      if (wildcard === 'id') clinicId = stem.slice(position, next.start).trim();
      if (!isLast) eyeWord ??= next.eye;
      position = next.end;
    }
    if (!clinicId) return null;
    const eye: Eye | null = eyeWord ? eyeFromWord(eyeWord) : eyeFromFileName(base);
    return { clinicId, eye };
  };
}
