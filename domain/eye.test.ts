import { describe, expect, it } from 'vitest';
import { eyeFromFileName } from './eye.ts';

describe('eyeFromFileName', () => {
  it.each([
    ['16_left.jpeg', 'OS'],
    ['16_right.jpeg', 'OD'],
    ['/data/export/P-7_LEFT.JPG', 'OS'],
    ['C:\\cam\\1234-od.tif', 'OD'],
    ['patient 5 os.png', 'OS'],
    ['16.jpeg', null],
    ['leftover_photo.jpeg', null],
    ['cosmos.jpeg', null],
  ])('%s → %s', (name, eye) => {
    expect(eyeFromFileName(name)).toBe(eye);
  });
});
