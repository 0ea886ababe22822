import { realpathSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../domain/errors.ts';

/** Folders of the operating system itself: never a place for patients' backups or a camera's exports. */
const SYSTEM_FOLDERS =
  process.platform === 'win32'
    ? ['C:\\Windows', 'C:\\Program Files', 'C:\\Program Files (x86)', 'C:\\ProgramData']
    : [
        '/bin',
        '/boot',
        '/dev',
        '/etc',
        '/lib',
        '/lib32',
        '/lib64',
        '/proc',
        '/run',
        '/sbin',
        '/sys',
        '/usr',
        '/var',
      ];
/** Inside those, places meant for users' files. */
const ALLOWED_INSIDE = ['/var/tmp', '/var/folders', '/var/backups', '/usr/local/share'];

/** The real path of a folder that may not exist yet: its nearest existing ancestor resolved, the rest kept. */
export function realFolder(folder: string): string {
  let existing = path.resolve(folder);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return path.resolve(folder);
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

const within = (child: string, parent: string) => child === parent || child.startsWith(parent + path.sep);

/**
 * A folder a site chooses (the backup folder, the camera's export folder), checked after symbolic links are
 * followed: a full path, not the data folder or inside it, not inside it by way of a link, and not a folder of
 * the operating system. `what` names it in the sentence.
 */
export function assertSiteFolder(folder: string, dataDir: string, what: string, advice = ''): string {
  if (!path.isAbsolute(folder)) throw new AppError('INVALID_INPUT', `Give the ${what} as a full path.`);
  const real = realFolder(folder);
  if (within(real, realFolder(dataDir)))
    throw new AppError(
      'INVALID_INPUT',
      `Choose a ${what} outside EyeNet’s data folder${real === path.resolve(folder) ? '' : ' (this path leads into it through a link)'}.${advice ? ` ${advice}` : ''}`,
    );
  const system = SYSTEM_FOLDERS.find((s) => within(real, s)) && !ALLOWED_INSIDE.some((a) => within(real, a));
  if (system || real === path.parse(real).root)
    throw new AppError(
      'INVALID_INPUT',
      `${real} is a folder of the operating system: choose another ${what}.`,
    );
  return real;
}
