import { describe, expect, it } from 'vitest';
import { readPhotograph } from './read-photograph.ts';

describe('readPhotograph', () => {
  it('refuses a file over 64 MB by name and size, before reading it', async () => {
    let read = false;
    const huge = {
      name: 'scan.bmp',
      size: 70 * 2 ** 20,
      arrayBuffer: () => ((read = true), Promise.resolve(new ArrayBuffer(0))),
    };
    await expect(readPhotograph(huge)).rejects.toThrow(
      'scan.bmp is 70 MB: EyeNet accepts photographs up to 64 MB.',
    );
    expect(read).toBe(false);
    const small = {
      name: 'a.jpg',
      size: 3,
      arrayBuffer: () => Promise.resolve(new Uint8Array([1, 2, 3]).buffer),
    };
    expect(await readPhotograph(small)).toEqual(new Uint8Array([1, 2, 3]));
  });
});
