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

  it('refuses wildcards side by side, which no name could split', () => {
    for (const bad of [
      '*****{clinicId}Z',
      '{clinicId}*',
      '*{clinicId}_{eye}',
      'IMG**{clinicId}',
      'x'.repeat(101) + '{clinicId}',
    ])
      expect(() => compileFileNamePattern(bad)).toThrowError(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
  });

  it('matches in one pass: long names and many wildcards finish at once, and still match right', () => {
    // The backtracking matcher took 131 s on an 80-character name with `*****{clinicId}Z`; these would not end.
    const many = compileFileNamePattern('*a*a*a*a*-{clinicId}Z');
    expect(many('a'.repeat(80))).toBeNull();
    expect(many(`${'a'.repeat(200)}-P1Z.jpg`)).toEqual({ clinicId: 'P1', eye: null });
    expect(compileFileNamePattern('{clinicId}_{eye}')('a_'.repeat(120) + 'x')).toBeNull();
    // Names longer than any file system allows never match.
    expect(compileFileNamePattern('{clinicId}_{eye}')(`${'a'.repeat(300)}_left.jpg`)).toBeNull();
    // The first place for each literal, as a lazy wildcard would take it.
    expect(compileFileNamePattern('*_{clinicId}_{eye}')('2026_11_P-3_od.jpg')).toEqual({
      clinicId: '11_P-3',
      eye: 'OD',
    });
    expect(compileFileNamePattern('{eye}-{clinicId}')('OS-77.png')).toEqual({ clinicId: '77', eye: 'OS' });
  });

  it('knows photograph file types', () => {
    expect(hasImageExtension('a.JPEG')).toBe(true);
    expect(hasImageExtension('a.tiff')).toBe(true);
    expect(hasImageExtension('notes.txt')).toBe(false);
    expect(hasImageExtension('README')).toBe(false);
  });
});
