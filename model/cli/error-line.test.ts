import { describe, expect, it } from 'vitest';
import { errorLine } from './error-line.ts';

describe('grade CLI error lines', () => {
  it('says in a sentence why a file could not be read, never a raw errno', () => {
    const gone = Object.assign(new Error("ENOENT: no such file or directory, open '/x/10_left.jpeg'"), {
      code: 'ENOENT',
    });
    expect(errorLine('/x/10_left.jpeg', gone)).toEqual({
      file: '/x/10_left.jpeg',
      eye: 'OS',
      error: { code: 'NOT_FOUND', message: 'The file was moved or deleted before it could be read.' },
    });
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(errorLine('/x/a.jpg', denied).error.code).toBe('PERMISSION_DENIED');
    // An error EyeNet already words keeps its code and sentence.
    const unreadable = Object.assign(new Error('This BMP file cannot be read: the file is truncated.'), {
      code: 'IMAGE_UNREADABLE',
    });
    expect(errorLine('/x/a.bmp', unreadable).error).toEqual({
      code: 'IMAGE_UNREADABLE',
      message: 'This BMP file cannot be read: the file is truncated.',
    });
  });
});
