import { eyeFromFileName } from '../../domain/eye.ts';

/** A grade CLI line for a file that could not be graded. */
export interface ErrorLine {
  file: string;
  eye: 'OD' | 'OS' | null;
  error: { code: string; message: string };
}

/** File-system failures in a sentence: a photograph removed mid-run is not a raw ENOENT. */
export const FILE_ERRORS: Record<string, { code: string; message: string }> = {
  ENOENT: { code: 'NOT_FOUND', message: 'The file was moved or deleted before it could be read.' },
  EACCES: { code: 'PERMISSION_DENIED', message: 'EyeNet may not read this file (permission denied).' },
  EPERM: { code: 'PERMISSION_DENIED', message: 'EyeNet may not read this file (permission denied).' },
  EISDIR: { code: 'NOT_A_FILE', message: 'This is a folder, not a photograph.' },
  ELOOP: { code: 'LINK_LOOP', message: 'This symbolic link leads around in a circle.' },
};

export function errorLine(file: string, error: unknown): ErrorLine {
  const code = (error as { code?: unknown }).code;
  const known = typeof code === 'string' ? FILE_ERRORS[code] : undefined;
  if (known) return { file, eye: eyeFromFileName(file), error: known };
  return {
    file,
    eye: eyeFromFileName(file),
    error: {
      code: typeof code === 'string' ? code : 'ERROR',
      message: error instanceof Error ? error.message : String(error),
    },
  };
}
