import { describe, expect, it } from 'vitest';
import { hasImageExtension } from '../../model/image/list-images.ts';
import { compileFileNamePattern } from './file-pattern.ts';

describe('file-name patterns', () => {
  it('reads clinic ID and eye from the default pattern, any case, any image extension', () => {
    const match = compileFileNamePattern('{clinicId}_{eye}');
    expect(match('10_left.jpeg')).toEqual({ clinicId: '10', eye: 'OS' });
    expect(match('P-0016_RIGHT.JPG')).toEqual({ clinicId: 'P-0016', eye: 'OD' });
    expect(match('ab_c_od.png')).toEqual({ clinicId: 'ab_c', eye: 'OD' });
    expect(match('export/day1/10_left.jpeg')).toEqual({ clinicId: '10', eye: 'OS' });
    expect(match('10-left.jpeg')).toBeNull();
    expect(match('_left.jpeg')).toBeNull();
  });

  it('supports * and literal text, and falls back to the eye named anywhere when the pattern has none', () => {
    const match = compileFileNamePattern('IMG*-{clinicId}');
    expect(match('IMG20261127-P7.tif')).toEqual({ clinicId: 'P7', eye: null });
    const withEye = compileFileNamePattern('{clinicId} *');
    expect(withEye('P9 left eye.jpg')).toEqual({ clinicId: 'P9', eye: 'OS' });
    // Regex characters in the literal part are literal.
    expect(compileFileNamePattern('{clinicId}.{eye}')('A.os.jpg')).toEqual({ clinicId: 'A', eye: 'OS' });
    expect(compileFileNamePattern('{clinicId}.{eye}')('AXos.jpg')).toBeNull();
  });

  it('refuses patterns that cannot work, with a message', () => {
    for (const bad of ['{eye}', '{clinicId}{clinicId}', '{clinicId}_{eye}_{eye}', '{clinicId}_{side}'])
      expect(() => compileFileNamePattern(bad)).toThrowError(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
  });

  it('knows photograph file types', () => {
    expect(hasImageExtension('a.JPEG')).toBe(true);
    expect(hasImageExtension('a.tiff')).toBe(true);
    expect(hasImageExtension('notes.txt')).toBe(false);
    expect(hasImageExtension('README')).toBe(false);
  });
});
