import { isAppError } from '../../domain/errors.ts';
import { storageFailure } from './storage-errors.ts';

/**
 * Why EyeNet could not start, in sentences for the person at the desk (serve prints it, Electron shows it in a
 * dialog before quitting): the errors EyeNet knows say what to do; anything else names the data folder.
 */
export function startupFailureMessage(error: unknown, dataDir: string): string {
  if (isAppError(error)) return `EyeNet cannot open its record. ${error.message}`;
  const storage = storageFailure(error);
  if (storage) return `EyeNet cannot open its record in ${dataDir}. ${storage.message}`;
  const code = (error as { code?: unknown }).code;
  if (code === 'EACCES' || code === 'EPERM')
    return `EyeNet may not read or write its data folder ${dataDir} (permission denied). Ask your IT support.`;
  return (
    `EyeNet could not start with the data folder ${dataDir}: ${error instanceof Error ? error.message : String(error)}. ` +
    'Nothing was changed. Ask your IT support, with this message.'
  );
}
