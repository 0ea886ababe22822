import { chmodSync } from 'node:fs';

/**
 * Tightens a file or folder to its owner (0600 / 0700), including one an older EyeNet created with the default
 * mode. Windows has no such modes (its folders under %APPDATA% are per user already); a file system that refuses
 * (a network share) is left as it is.
 */
export function restrictToOwner(file: string, mode: 0o600 | 0o700): void {
  if (process.platform === 'win32') return;
  try {
    chmodSync(file, mode);
  } catch {
    // Not ours to change: the site's IT set it up.
  }
}
