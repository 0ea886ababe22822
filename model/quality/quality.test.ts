import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { preprocess } from '../preprocess/preprocess.ts';
import { assessQuality } from './quality.ts';
import {
  blurred,
  darkened,
  noiseImage,
  partlyObscured,
  solidImage,
  textPageImage,
} from '../testing/synthetic-images.ts';
import { SHARED_DATA, original } from '../testing/test-images.ts';
import { QUALITY_THRESHOLDS } from './quality-thresholds.ts';
import { QUALITY_REGIONS, qualityReasonTexts } from '../../domain/quality.ts';

const verdict = async (bytes: Uint8Array) => assessQuality(await preprocess(bytes, 224));

describe('quality gate', () => {
  it.each(['16_left.jpeg', '10_left.jpeg', '178_left.jpeg', '13_right.jpeg'])(
    'passes the good photograph %s',
    async (name) => {
      expect(await verdict(original(name))).toMatchObject({ gradable: true, reasons: [] });
    },
  );

  it.each([
    ['a black frame', () => solidImage(1600, 1200, [0, 0, 0]), 'no_fundus'],
    ['a white page', () => solidImage(1600, 1200, [255, 255, 255]), 'not_fundus'],
    ['a page of text', () => textPageImage(1600, 1200), 'not_fundus'],
    ['pure noise', () => noiseImage(1600, 1200), 'not_fundus'],
  ] as const)('rejects %s as %s', async (_name, make, reason) => {
    expect(await verdict(await make())).toMatchObject({ gradable: false, reasons: [reason] });
  });

  it('flags a good photograph blurred synthetically', async () => {
    const result = await verdict(await blurred(original('16_left.jpeg'), 0.005));
    expect(result.gradable).toBe(false);
    expect(result.reasons).toContain('blurred');
  });

  it('flags a good photograph darkened synthetically', async () => {
    const result = await verdict(await darkened(original('16_left.jpeg'), 0.15));
    expect(result.reasons).toContain('too_dark');
  });

  it('refuses the dim photograph whose average passes but whose lower-left quadrant and macula are in shadow', async () => {
    // eyepacs-1024-dev 940_left: "dim, but gradable, detail 0.76" before regions were judged one by one.
    const dim = new Uint8Array(
      readFileSync(path.join(SHARED_DATA, 'eyepacs-1024-dev', 'images', '940_left.jpeg')),
    );
    const result = await verdict(dim);
    expect(result.metrics.meanLuminance).toBeLessThan(QUALITY_THRESHOLDS.minMeanLuminance);
    expect(result.metrics.detailLevels).toBeGreaterThan(QUALITY_THRESHOLDS.minDimDetailLevels);
    expect(result).toMatchObject({
      gradable: false,
      reasons: ['region_obscured'],
      regions: ['lowerLeft', 'macula'],
    });
  });

  it('refuses a photograph with part of the retina in shadow, whatever its average, and says which part', async () => {
    // The lower third in shadow (an eyelid): the whole is bright enough, its lower quadrants are not.
    const lid = await verdict(await partlyObscured(original('16_left.jpeg'), 1, 0.67));
    expect(lid.metrics.darkFraction).toBeLessThan(QUALITY_THRESHOLDS.maxDarkFraction);
    expect(lid).toMatchObject({ gradable: false, reasons: ['region_obscured'] });
    expect(lid.regions).toEqual(expect.arrayContaining(['lowerLeft', 'lowerRight']));
    expect(lid.regions).not.toContain('upperLeft');
    expect(qualityReasonTexts(lid)).toEqual([
      `Part of the retina too dark to grade: ${lid.regions!.map((r) => QUALITY_REGIONS[r]).join(', ')}`,
    ]);
    // A dimmed frame whose lower half is in shadow: refused, naming the lower half.
    const half = await verdict(await partlyObscured(original('16_left.jpeg'), 0.5));
    expect(half).toMatchObject({ gradable: false, reasons: ['region_obscured'] });
    expect(half.regions).toEqual(expect.arrayContaining(['lowerLeft', 'lowerRight']));
  });

  it('flags a blown-out photograph as over-exposed', async () => {
    const bright = new Uint8Array(await sharp(original('16_left.jpeg')).linear(3, 40).jpeg().toBuffer());
    expect((await verdict(bright)).reasons).toContain('over_exposed');
  });

  it('flags a fundus too small to grade', async () => {
    const tiny = new Uint8Array(await sharp(original('16_left.jpeg')).resize(420).jpeg().toBuffer());
    expect((await verdict(tiny)).reasons).toContain('small_field');
  });

  it('keeps the measurements behind the verdict', async () => {
    const { metrics } = await verdict(original('16_left.jpeg'));
    expect(Object.keys(metrics)).toEqual(
      expect.arrayContaining(['meanLuminance', 'sharpness', 'detail', 'fill', 'diameterPx', 'redness']),
    );
  });
});
