import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.ts';
import { startupFailureMessage } from './startup-failure.ts';

describe('why EyeNet could not start', () => {
  it('says what to do in sentences, for known and unknown failures alike', () => {
    expect(
      startupFailureMessage(new AppError('DB_DAMAGED', 'The database is damaged. Restore it.'), '/d'),
    ).toBe('EyeNet cannot open its record. The database is damaged. Restore it.');
    expect(startupFailureMessage(Object.assign(new Error('x'), { code: 'ENOSPC' }), '/d')).toMatch(
      /cannot open its record in \/d\. The disk holding EyeNet’s data is full/,
    );
    expect(startupFailureMessage(Object.assign(new Error('x'), { code: 'EACCES' }), '/d')).toMatch(
      /may not read or write its data folder \/d/,
    );
    expect(startupFailureMessage(new Error('boom'), '/d')).toMatch(
      /could not start .* boom\. Nothing was changed/,
    );
  });
});
