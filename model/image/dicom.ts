import dcmjs from 'dcmjs';
import { Decoder } from 'jpeg-lossless-decoder-js';
import sharp from 'sharp';
import { hasDicomMarker } from '../../domain/dicom-marker.ts';
import type { DicomSummary } from '../../contract/imports.ts';
import type { Eye } from '../../domain/eye.ts';
import { AppError } from '../../domain/errors.ts';
import { MAX_INPUT_PIXELS } from './decode.ts';

const { DicomMessage, DicomMetaDictionary } = dcmjs.data;

/**
 * What a DICOM header says of the photograph, its patient and its camera: what the import plan shows
 * (DicomSummary, with the camera as make and model apart), and the UIDs and layout the import needs.
 */
export interface DicomHeader extends Omit<DicomSummary, 'camera'> {
  manufacturer: string;
  model: string;
  modality: string;
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  transferSyntaxUid: string;
  rows: number;
  columns: number;
}

const UNCOMPRESSED: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
};
const JPEG_BASELINE: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
};
const JPEG_LOSSLESS: Record<string, string> = {
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70':
    'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1)',
};
/** Transfer syntaxes EyeNet recognises but cannot decode: named in the error, so staff can ask the camera for another. */
const UNSUPPORTED: Record<string, string> = {
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.100': 'MPEG-2 video',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 video',
};

const transferSyntaxName = (uid: string) =>
  UNCOMPRESSED[uid] ??
  JPEG_BASELINE[uid] ??
  JPEG_LOSSLESS[uid] ??
  UNSUPPORTED[uid] ??
  `transfer syntax ${uid}`;

/** A DICOM Part 10 file: a 128-byte preamble, then "DICM". */
export const isDicom = hasDicomMarker;

const unreadable = (message: string) => new AppError('IMAGE_UNREADABLE', message);

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

type Dataset = Record<string, unknown>;

/**
 * Whether the file ends before its pixel data does. dcmjs pads a short pixel data element instead of failing,
 * so the file's own bytes are checked: the Pixel Data element's declared length must fit in the file, and
 * encapsulated pixel data (undefined length) must end with its sequence delimiter.
 */
function pixelDataTruncated(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 132; i + 8 <= bytes.byteLength; i++) {
    if (bytes[i] !== 0xe0 || bytes[i + 1] !== 0x7f || bytes[i + 2] !== 0x10 || bytes[i + 3] !== 0x00)
      continue;
    const vr = String.fromCharCode(bytes[i + 4]!, bytes[i + 5]!);
    const explicit = vr === 'OB' || vr === 'OW';
    const at = explicit ? i + 8 : i + 4;
    if (at + 4 > bytes.byteLength) return true;
    const length = view.getUint32(at, true);
    if (length === 0xffffffff) {
      const end = bytes.byteLength - 8;
      return !(end > at && view.getUint16(end, true) === 0xfffe && view.getUint16(end + 2, true) === 0xe0dd);
    }
    return at + 4 + length > bytes.byteLength;
  }
  return false;
}

function parse(bytes: Uint8Array, headerOnly: boolean): { meta: Dataset; ds: Dataset } {
  if (!isDicom(bytes))
    throw unreadable(
      'Not a DICOM file: it has no "DICM" marker after the 128-byte preamble (DICOM Part 10).',
    );
  try {
    const file = DicomMessage.readFile(
      arrayBufferOf(bytes),
      headerOnly ? { untilTag: '7FE00010', includeUntilTagValue: false } : {},
    );
    return {
      meta: DicomMetaDictionary.naturalizeDataset(file.meta),
      ds: DicomMetaDictionary.naturalizeDataset(file.dict),
    };
  } catch {
    // dcmjs's own words ("Cannot read properties of undefined", "Finding view is past end of input") say nothing
    // to a clinic: the sentence says what it means for the file.
    throw unreadable(
      'The DICOM file is damaged or truncated: its header cannot be read. Export it from the camera again.',
    );
  }
}

const text = (value: unknown): string => {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
};

const number = (value: unknown): number => {
  const v = Array.isArray(value) ? value[0] : value;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
};

/** A DICOM DA (YYYYMMDD) as an ISO date, or null. */
function isoDate(value: unknown): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text(value).replace(/[.-]/g, ''));
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}

/** A DICOM person name (Family^Given^Middle^Prefix^Suffix) as it is written: "Jane Doe". */
function personName(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value;
  const raw = typeof v === 'string' ? v : ((v as { Alphabetic?: string } | undefined)?.Alphabetic ?? '');
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = raw
    .split('^')
    .map((s) => s.trim());
  return [prefix, given, middle, family, suffix].filter(Boolean).join(' ');
}

function eyeOf(ds: Dataset): Eye | null {
  for (const tag of ['ImageLaterality', 'Laterality']) {
    const v = text(ds[tag]).toUpperCase();
    if (v === 'R') return 'OD';
    if (v === 'L') return 'OS';
  }
  return null;
}

function headerOf(meta: Dataset, ds: Dataset): DicomHeader {
  const transferSyntaxUid = text(meta.TransferSyntaxUID);
  const sex = text(ds.PatientSex).toUpperCase();
  return {
    patientName: personName(ds.PatientName),
    patientId: text(ds.PatientID),
    birthDate: isoDate(ds.PatientBirthDate),
    sex: sex === 'F' ? 'female' : sex === 'M' ? 'male' : sex === 'O' ? 'other' : null,
    studyDate: isoDate(ds.StudyDate) ?? isoDate(ds.AcquisitionDate) ?? isoDate(ds.ContentDate),
    eye: eyeOf(ds),
    manufacturer: text(ds.Manufacturer),
    model: text(ds.ManufacturerModelName),
    modality: text(ds.Modality),
    sopClassUid: text(ds.SOPClassUID) || text(meta.MediaStorageSOPClassUID),
    sopInstanceUid: text(ds.SOPInstanceUID) || text(meta.MediaStorageSOPInstanceUID),
    seriesInstanceUid: text(ds.SeriesInstanceUID),
    studyInstanceUid: text(ds.StudyInstanceUID),
    transferSyntaxUid,
    transferSyntax: transferSyntaxName(transferSyntaxUid),
    frames: Math.max(1, number(ds.NumberOfFrames) || 1),
    rows: number(ds.Rows),
    columns: number(ds.Columns),
  };
}

/**
 * The header of a DICOM file, read up to its pixel data: the first few hundred kilobytes are enough, so an
 * import plan never needs the whole file.
 */
export function readDicomHeader(bytes: Uint8Array): DicomHeader {
  const { meta, ds } = parse(bytes, true);
  return headerOf(meta, ds);
}

interface PixelLayout {
  rows: number;
  columns: number;
  samples: number;
  bitsAllocated: number;
  bitsStored: number;
  planar: number;
  photometric: string;
}

/** 4:2:2 chroma subsampling (PS3.3 C.7.6.3.1.2): YBR_FULL_422 and YBR_PARTIAL_422 with 3 samples. */
function isHalfChroma(layout: PixelLayout): boolean {
  return layout.samples === 3 && /^YBR_(FULL|PARTIAL)_422$/.test(layout.photometric);
}

/** Y1 Y2 Cb Cr for each two pixels of a row → Y Cb Cr for each pixel, interleaved (the chroma shared). */
function fullChroma<T extends Uint8Array | Uint16Array>(samples: T, layout: PixelLayout): T {
  const out = new (samples.constructor as new (n: number) => T)(layout.rows * layout.columns * 3);
  for (let pair = 0; pair < (layout.rows * layout.columns) / 2; pair++) {
    const i = pair * 4;
    const o = pair * 6;
    out[o] = samples[i]!;
    out[o + 1] = samples[i + 2]!;
    out[o + 2] = samples[i + 3]!;
    out[o + 3] = samples[i + 1]!;
    out[o + 4] = samples[i + 2]!;
    out[o + 5] = samples[i + 3]!;
  }
  return out;
}

/** Any decoded frame as 8-bit interleaved RGB, whatever its photometric interpretation and bit depth. */
function toRgb(samples: Uint8Array | Uint16Array, layout: PixelLayout): Uint8Array {
  const { rows, columns, samples: spp, planar, photometric } = layout;
  const n = rows * columns;
  const max = 2 ** Math.min(16, layout.bitsStored || layout.bitsAllocated) - 1;
  // 16-bit samples are scaled to their stored range: fundus cameras use the whole range they store.
  const to8 =
    samples instanceof Uint16Array
      ? (v: number) => Math.round((Math.min(v, max) / max) * 255)
      : (v: number) => v;
  const rgb = new Uint8Array(n * 3);
  if (spp === 1) {
    const invert = photometric === 'MONOCHROME1';
    for (let p = 0; p < n; p++) {
      const v = to8(samples[p]!);
      rgb.fill(invert ? 255 - v : v, p * 3, p * 3 + 3);
    }
    return rgb;
  }
  const at =
    planar === 1
      ? (p: number, c: number) => samples[c * n + p]!
      : (p: number, c: number) => samples[p * 3 + c]!;
  const ybr = photometric.startsWith('YBR');
  for (let p = 0; p < n; p++) {
    const a = to8(at(p, 0));
    const b = to8(at(p, 1));
    const c = to8(at(p, 2));
    if (!ybr) {
      rgb[p * 3] = a;
      rgb[p * 3 + 1] = b;
      rgb[p * 3 + 2] = c;
      continue;
    }
    // YBR_FULL (PS3.3 C.7.6.3.1.2): full-range YCbCr, as JPEG uses.
    rgb[p * 3] = Math.max(0, Math.min(255, Math.round(a + 1.402 * (c - 128))));
    rgb[p * 3 + 1] = Math.max(0, Math.min(255, Math.round(a - 0.344136 * (b - 128) - 0.714136 * (c - 128))));
    rgb[p * 3 + 2] = Math.max(0, Math.min(255, Math.round(a + 1.772 * (b - 128))));
  }
  return rgb;
}

function layoutOf(ds: Dataset, header: DicomHeader): PixelLayout {
  const layout = {
    rows: header.rows,
    columns: header.columns,
    samples: number(ds.SamplesPerPixel) || 1,
    bitsAllocated: number(ds.BitsAllocated) || 8,
    bitsStored: number(ds.BitsStored) || number(ds.BitsAllocated) || 8,
    planar: number(ds.PlanarConfiguration),
    photometric: text(ds.PhotometricInterpretation).toUpperCase() || 'RGB',
  };
  if (!layout.rows || !layout.columns)
    throw unreadable('The DICOM file does not say the size of its picture (Rows, Columns).');
  if (layout.rows * layout.columns > MAX_INPUT_PIXELS)
    throw new AppError(
      'IMAGE_TOO_LARGE',
      `The DICOM picture is ${layout.columns}×${layout.rows} pixels, more than EyeNet accepts.`,
    );
  if (layout.samples !== 1 && layout.samples !== 3)
    throw unreadable(
      `The DICOM picture has ${layout.samples} samples per pixel; EyeNet reads 1 (grey) or 3 (colour).`,
    );
  if (layout.photometric === 'PALETTE COLOR')
    throw unreadable(
      'The DICOM picture uses a colour palette (PALETTE COLOR), which fundus cameras do not write.',
    );
  if (layout.bitsAllocated !== 8 && layout.bitsAllocated !== 16)
    throw unreadable(`The DICOM picture has ${layout.bitsAllocated}-bit samples; EyeNet reads 8 and 16.`);
  return layout;
}

function concat(parts: readonly ArrayBuffer[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/**
 * The compressed frames of encapsulated pixel data. dcmjs gives one buffer per frame when the file has an
 * offset table; without one it may give one per fragment: a single frame is then all fragments, and several
 * JPEG frames are split where each JPEG starts (FF D8).
 */
function encapsulatedFrames(pixelData: readonly ArrayBuffer[], frames: number): Uint8Array[] {
  if (pixelData.length === frames) return pixelData.map((p) => new Uint8Array(p));
  if (frames === 1) return [concat(pixelData)];
  const out: Uint8Array[] = [];
  for (const part of pixelData) {
    const bytes = new Uint8Array(part);
    if (bytes[0] === 0xff && bytes[1] === 0xd8) out.push(bytes);
    else if (out.length) out[out.length - 1] = concat([out.at(-1)!.buffer as ArrayBuffer, part]);
  }
  return out;
}

/** A DICOM file, read: its header, and each frame as a PNG the rest of the pipeline reads like any photograph. */
export interface DicomPhotograph {
  header: DicomHeader;
  /** Frame `index` (0-based) as an 8-bit RGB PNG. */
  framePng(index: number): Promise<Uint8Array>;
}

export function readDicom(bytes: Uint8Array): DicomPhotograph {
  const { meta, ds } = parse(bytes, false);
  const header = headerOf(meta, ds);
  const pixelData = ds.PixelData as ArrayBuffer[] | undefined;
  if (!pixelData || pixelData.length === 0 || pixelData.every((p) => p.byteLength === 0))
    throw unreadable(
      'The DICOM file has no pixel data: it is not a photograph (perhaps a report or a worklist entry).',
    );
  const ts = header.transferSyntaxUid;
  if (!ts)
    throw unreadable(
      'The DICOM file does not say how its picture is encoded (no transfer syntax in its header): it is damaged.',
    );
  if (UNSUPPORTED[ts] || !(UNCOMPRESSED[ts] || JPEG_BASELINE[ts] || JPEG_LOSSLESS[ts]))
    throw unreadable(
      `EyeNet cannot decode DICOM pictures compressed as ${header.transferSyntax} (${ts}). It reads uncompressed, ` +
        'JPEG baseline and JPEG lossless DICOM; set the camera to export one of those, or as JPEG.',
    );
  if (pixelDataTruncated(bytes))
    throw unreadable(
      'The DICOM file is truncated: it ends before its pixel data does. Export it from the camera again.',
    );
  const layout = layoutOf(ds, header);
  const encapsulated = !UNCOMPRESSED[ts];
  const frames = encapsulated ? encapsulatedFrames(pixelData, header.frames) : null;
  if (frames && frames.length < header.frames)
    throw unreadable(
      `The DICOM file says it has ${header.frames} frames but holds ${frames.length}: it is truncated.`,
    );
  // YBR_FULL_422 stored uncompressed keeps one Cb and one Cr for each two pixels of a row: 2 samples a pixel.
  const halfChroma = !encapsulated && isHalfChroma(layout);
  if (halfChroma && layout.columns % 2 === 1)
    throw unreadable(
      'The DICOM picture is stored as YBR 4:2:2 with an odd number of columns: it is damaged.',
    );
  const frameBytes =
    layout.rows * layout.columns * (halfChroma ? 2 : layout.samples) * (layout.bitsAllocated / 8);
  const raw = encapsulated ? null : concat(pixelData);
  if (raw && raw.byteLength < frameBytes * header.frames)
    throw unreadable(
      `The DICOM file is truncated: its pixel data holds ${raw.byteLength} of the ${frameBytes * header.frames} bytes its ` +
        `${header.frames === 1 ? 'picture needs' : `${header.frames} frames need`}.`,
    );

  async function frameRgb(index: number): Promise<Uint8Array> {
    if (raw) {
      const start = index * frameBytes;
      const slice = raw.slice(start, start + frameBytes);
      const samples = layout.bitsAllocated === 16 ? new Uint16Array(slice.buffer, 0, frameBytes / 2) : slice;
      if (layout.bitsAllocated === 16 && ts === '1.2.840.10008.1.2.2')
        for (let i = 0; i < samples.length; i++)
          samples[i] = ((samples[i]! & 0xff) << 8) | (samples[i]! >> 8);
      return halfChroma
        ? toRgb(fullChroma(samples, layout), { ...layout, planar: 0 })
        : toRgb(samples, layout);
    }
    const frame = frames![index]!;
    if (JPEG_LOSSLESS[ts]) {
      let decoded: Uint8Array | Uint16Array;
      try {
        decoded = new Decoder().decode(
          frame.buffer as ArrayBuffer,
          frame.byteOffset,
          frame.byteLength,
          layout.bitsAllocated / 8,
        );
      } catch {
        throw unreadable(
          'The JPEG lossless picture in the DICOM file is damaged and cannot be decoded. Export it from the camera again.',
        );
      }
      return toRgb(decoded, { ...layout, planar: 0 });
    }
    try {
      const { data, info } = await sharp(frame)
        .toColourspace('srgb')
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.width !== layout.columns || info.height !== layout.rows)
        throw unreadable(
          `The JPEG picture in the DICOM file is ${info.width}×${info.height} pixels, but its header says ` +
            `${layout.columns}×${layout.rows}: the file is damaged.`,
        );
      if (info.channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      return toRgb(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), {
        ...layout,
        samples: 1,
        photometric: 'MONOCHROME2',
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw unreadable(
        'The JPEG picture in the DICOM file is damaged and cannot be decoded. Export it from the camera again.',
      );
    }
  }

  return {
    header,
    async framePng(index) {
      if (!Number.isInteger(index) || index < 0 || index >= header.frames)
        throw new AppError(
          'INVALID_INPUT',
          `The DICOM file has ${header.frames} frame(s); there is no frame ${index + 1}.`,
        );
      const rgb = await frameRgb(index);
      const png = await sharp(rgb, { raw: { width: layout.columns, height: layout.rows, channels: 3 } })
        .png({ compressionLevel: 6 })
        .toBuffer();
      return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
    },
  };
}
