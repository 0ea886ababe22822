export type Eye = 'OD' | 'OS';

/**
 * The eye named in a file name, as EyePACS and most camera exports write it (`1234_left.jpeg`), or null.
 * OD is the right eye, OS the left.
 */
export function eyeFromFileName(fileName: string): Eye | null {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.[^.]+$/, '');
  const match = /(?:^|[_\-\s.])(left|right|os|od)(?=$|[_\-\s.])/i.exec(stem);
  if (!match) return null;
  const word = match[1]!.toLowerCase();
  return word === 'left' || word === 'os' ? 'OS' : 'OD';
}
