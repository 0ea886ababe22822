import { AppError } from '../../domain/errors.ts';

/**
 * Refuses a save made from an older version of a record: two people editing the same record would otherwise
 * have the later save silently undo the earlier. The message says what to do.
 */
export function assertCurrentVersion(current: number, seen: number, what: string): void {
  if (current !== seen)
    throw new AppError(
      'STALE',
      `${what} changed since you opened them: someone else saved first. Your changes were not saved; ` +
        'look at the record again, then make them once more.',
    );
}
