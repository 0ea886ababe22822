import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dicomFile, jpegLosslessOf, rgbOf, TRANSFER_SYNTAX } from '../testing/dicom-files.ts';
import { original } from '../testing/test-images.ts';
import { isDicom, readDicom, readDicomHeader } from './dicom.ts';

const PHOTO = original('10_left.jpeg');
const WIDTH = 320;

async function rgbOfPng(png: Uint8Array) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), info };
}

/** Mean absolute difference between two RGB pictures of the same size, in grey levels. */
function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('DICOM photographs', () => {
  it('reads the header of an Ophthalmic Photography file: patient, study, laterality, camera, UIDs', async () => {
    const file = await dicomFile(PHOTO, WIDTH);
    expect(isDicom(file)).toBe(true);
    const header = readDicomHeader(file);
    expect(header).toMatchObject({
      patientName: 'Jane Doe',
      patientId: 'D-100',
      birthDate: '1960-01-02',
      sex: 'female',
      studyDate: '2026-11-30',
      eye: 'OS',
      manufacturer: 'Topcon',
      model: 'TRC-NW8',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.5.1',
      transferSyntax: 'Explicit VR Little Endian',
      frames: 1,
    });
    expect(header.sopInstanceUid).toMatch(/^[\d.]+$/);
    // The header alone is read from the file's first bytes, before its pixel data.
    expect(readDicomHeader(file.subarray(0, 4096)).patientId).toBe('D-100');
  });

  it('takes the eye from (0020,0060) Laterality when Image Laterality is absent', async () => {
    const file = await dicomFile(PHOTO, WIDTH, { tags: { ImageLaterality: undefined, Laterality: 'R' } });
    expect(readDicomHeader(file).eye).toBe('OD');
    const none = await dicomFile(PHOTO, WIDTH, { tags: { ImageLaterality: 'B' } });
    expect(readDicomHeader(none).eye).toBeNull();
  });

  it('decodes uncompressed OP and Secondary Capture files exactly, JPEG baseline closely, JPEG lossless exactly', async () => {
    const expected = await rgbOf(PHOTO, WIDTH);
    const uncompressed = await dicomFile(PHOTO, WIDTH);
    const cases: [string, Uint8Array, number][] = [
      ['OP explicit little endian', uncompressed, 0],
      [
        'SC implicit little endian',
        await dicomFile(PHOTO, WIDTH, { sopClass: 'SC', transferSyntax: TRANSFER_SYNTAX.implicitLittle }),
        0,
      ],
      ['JPEG baseline', await dicomFile(PHOTO, WIDTH, { transferSyntax: TRANSFER_SYNTAX.jpegBaseline }), 3],
      ['JPEG lossless (DCMTK)', jpegLosslessOf(uncompressed), 0],
    ];
    for (const [name, file, tolerance] of cases) {
      const { data, info } = await rgbOfPng(await readDicom(file).framePng(0));
      expect([info.width, info.height, info.channels], name).toEqual([expected.width, expected.height, 3]);
      expect(meanDifference(data, expected.rgb), name).toBeLessThanOrEqual(tolerance);
    }
    expect(readDicomHeader(cases[3]![1]).transferSyntaxUid).toBe('1.2.840.10008.1.2.4.70');
  });

  it('reads uncompressed YBR_FULL_422 (two bytes a pixel), close to the RGB it was made from', async () => {
    const width = 64;
    const file = await dicomFile(PHOTO, width, { ybr422: true });
    const dicom = readDicom(file);
    const { data, info } = await sharp(await dicom.framePng(0))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const source = await rgbOf(PHOTO, width);
    expect([info.width, info.height]).toEqual([source.width, source.height]);
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum += Math.abs(data[i]! - source.rgb[i]!);
    // Only the chroma shared by two pixels (and rounding) separates them.
    expect(sum / data.length).toBeLessThan(3);
  });

  it('says what is wrong with a damaged file in a sentence about the file, never in the reader library’s words', async () => {
    const good = await dicomFile(PHOTO, 64);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const messages = new Set<string>();
    for (let i = 0; i < 150; i++) {
      const bytes = good.slice(0, i % 3 === 0 ? Math.floor(random() * good.length) : good.length);
      if (i % 3 !== 0)
        for (let k = 0; k < 4; k++) bytes[132 + Math.floor(random() * 600)] = Math.floor(random() * 256);
      try {
        await readDicom(bytes).framePng(0);
      } catch (error) {
        expect(error).toMatchObject({ code: 'IMAGE_UNREADABLE' });
        messages.add((error as Error).message);
      }
    }
    for (const message of messages) {
      expect(message).not.toMatch(
        /Cannot read|undefined|past end of input|allocated buffer|out of range|meta length/,
      );
      expect(message).toMatch(/\.$/);
    }
    expect(messages.size).toBeGreaterThan(3);
  });

  it('reads grey photographs and every frame of a multi-frame file', async () => {
    const grey = await rgbOfPng(await readDicom(await dicomFile(PHOTO, WIDTH, { grey: true })).framePng(0));
    expect(grey.data[0]).toBe(grey.data[1]);
    const multi = readDicom(await dicomFile(PHOTO, WIDTH, { frames: 3 }));
    expect(multi.header.frames).toBe(3);
    const [first, last] = [await multi.framePng(0), await multi.framePng(2)];
    // Each frame is its own picture (the test file brightens each by 4 grey levels).
    const [a, b] = [await rgbOfPng(first), await rgbOfPng(last)];
    expect(meanDifference(b.data, a.data)).toBeGreaterThan(5);
    await expect(multi.framePng(3)).rejects.toThrow(/3 frame\(s\); there is no frame 4/);
    const jpegFrames = readDicom(
      await dicomFile(PHOTO, WIDTH, { frames: 2, transferSyntax: TRANSFER_SYNTAX.jpegBaseline }),
    );
    expect((await rgbOfPng(await jpegFrames.framePng(1))).info.width).toBe(WIDTH);
  });

  it('refuses malformed files in sentences: wrong preamble, truncated, no pixel data, a transfer syntax it cannot decode', async () => {
    const good = await dicomFile(PHOTO, WIDTH);
    const wrongPreamble = good.slice();
    wrongPreamble.set([0x58, 0x58, 0x58, 0x58], 128);
    expect(() => readDicom(wrongPreamble)).toThrow(/no "DICM" marker/);
    expect(() => readDicom(good.subarray(0, 100))).toThrow(/no "DICM" marker/);
    expect(() => readDicom(good.subarray(0, Math.floor(good.byteLength * 0.6)))).toThrow(/truncated/);
    const jpeg = await dicomFile(PHOTO, WIDTH, { transferSyntax: TRANSFER_SYNTAX.jpegBaseline });
    expect(() => readDicom(jpeg.subarray(0, jpeg.byteLength - 200))).toThrow(/truncated/);
    const noPixels = await dicomFile(PHOTO, WIDTH, { tags: { PixelData: undefined } });
    expect(() => readDicom(noPixels)).toThrow(/no pixel data/);
    const jpeg2000 = await dicomFile(PHOTO, WIDTH, { transferSyntax: TRANSFER_SYNTAX.jpeg2000 });
    expect(() => readDicom(jpeg2000)).toThrow(
      /cannot decode DICOM pictures compressed as JPEG 2000 \(1\.2\.840\.10008\.1\.2\.4\.91\)/,
    );
    const noSize = await dicomFile(PHOTO, WIDTH, { tags: { Rows: undefined } });
    expect(() => readDicom(noSize)).toThrow(/Rows, Columns/);
  });
});
