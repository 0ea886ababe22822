/** OD is the right eye, OS the left (the clinic's abbreviations). */
export type Eye = 'OD' | 'OS';

export const EYES: readonly Eye[] = ['OD', 'OS'];

export const EYE_LABELS: Record<Eye, string> = { OD: 'Right eye (OD)', OS: 'Left eye (OS)' };

/** Lower-case names of an eye, for sentences ("the left eye"). */
export const EYE_NAMES: Record<Eye, string> = { OD: 'right', OS: 'left' };

/** `left`, `right`, `os` or `od` in any case → the eye; anything else → null. */
export function eyeFromWord(word: string): Eye | null {
  const w = word.toLowerCase();
  if (w === 'left' || w === 'os') return 'OS';
  if (w === 'right' || w === 'od') return 'OD';
  return null;
}

/** The eye named in a file name, as EyePACS and most camera exports write it (`1234_left.jpeg`), or null. */
export function eyeFromFileName(fileName: string): Eye | null {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.[^.]+$/, '');
  const match = /(?:^|[_\-\s.])(left|right|os|od)(?=$|[_\-\s.])/i.exec(stem);
  return match ? eyeFromWord(match[1]!) : null;
}
