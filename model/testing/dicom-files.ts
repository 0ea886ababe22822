// DICOM test files, written by the tests from real photographs (never committed): dcmjs writes uncompressed and
// JPEG baseline files as fundus cameras do; DCMTK's dcmcjpeg (installed by .ci/run) makes the JPEG lossless ones.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dcmjs from 'dcmjs';
import sharp from 'sharp';

const { DicomDict, DicomMetaDictionary } = dcmjs.data;

export const SOP_CLASS = {
  /** Ophthalmic Photography 8 Bit Image Storage. */
  OP: '1.2.840.10008.5.1.4.1.1.77.1.5.1',
  /** Secondary Capture Image Storage. */
  SC: '1.2.840.10008.5.1.4.1.1.7',
} as const;

export const TRANSFER_SYNTAX = {
  explicitLittle: '1.2.840.10008.1.2.1',
  implicitLittle: '1.2.840.10008.1.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpeg2000: '1.2.840.10008.1.2.4.91',
} as const;

export interface DicomFileOptions {
  sopClass?: keyof typeof SOP_CLASS;
  transferSyntax?: string;
  /** Overrides and additions to the dataset (PatientID, ImageLaterality, ...); undefined removes a tag. */
  tags?: Record<string, unknown>;
  /** Frames of the same picture, each a little brighter than the one before (a multi-frame file). */
  frames?: number;
  /** Grey (MONOCHROME2) instead of RGB. */
  grey?: boolean;
  /** Uncompressed YBR_FULL_422 (Y1 Y2 Cb Cr for each two pixels), as pydicom's SC_ybr_full_422_uncompressed. */
  ybr422?: boolean;
}

/** Interleaved RGB → full-range YCbCr with Cb and Cr averaged over each two pixels of a row, packed Y1 Y2 Cb Cr. */
function packYbr422(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgb.length / 3) * 2);
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let pair = 0; pair < rgb.length / 6; pair++) {
    const ys: number[] = [];
    let cb = 0;
    let cr = 0;
    for (let k = 0; k < 2; k++) {
      const [r, g, b] = [rgb[pair * 6 + k * 3]!, rgb[pair * 6 + k * 3 + 1]!, rgb[pair * 6 + k * 3 + 2]!];
      ys.push(0.299 * r + 0.587 * g + 0.114 * b);
      cb += (-0.168736 * r - 0.331264 * g + 0.5 * b + 128) / 2;
      cr += (0.5 * r - 0.418688 * g - 0.081312 * b + 128) / 2;
    }
    out.set([clamp(ys[0]!), clamp(ys[1]!), clamp(cb), clamp(cr)], pair * 4);
  }
  return out;
}

/** An RGB picture of a photograph at `width` px wide (raw, interleaved). */
export async function rgbOf(photo: Uint8Array, width: number) {
  const { data, info } = await sharp(photo)
    .resize(width)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

const ab = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** A DICOM Part 10 file of a photograph, as a fundus camera writes one. */
export async function dicomFile(
  photo: Uint8Array,
  width: number,
  options: DicomFileOptions = {},
): Promise<Uint8Array> {
  const ts = options.transferSyntax ?? TRANSFER_SYNTAX.explicitLittle;
  const sopClass = SOP_CLASS[options.sopClass ?? 'OP'];
  const frames = options.frames ?? 1;
  const picture = await rgbOf(photo, width);
  let samples: Uint8Array = picture.rgb;
  if (options.ybr422) samples = packYbr422(picture.rgb);
  if (options.grey) {
    const g = await sharp(picture.rgb, { raw: { width: picture.width, height: picture.height, channels: 3 } })
      .greyscale()
      .extractChannel(0)
      .raw()
      .toBuffer();
    samples = new Uint8Array(g.buffer, g.byteOffset, g.byteLength);
  }
  const frame = (f: number, of: Uint8Array) => of.map((v) => Math.min(255, v + 4 * f));
  let pixelData: ArrayBuffer[];
  if (ts === TRANSFER_SYNTAX.jpegBaseline) {
    pixelData = [];
    for (let f = 0; f < frames; f++) {
      const jpeg = await sharp(frame(f, picture.rgb), {
        raw: { width: picture.width, height: picture.height, channels: 3 },
      })
        .jpeg({ quality: 92 })
        .toBuffer();
      pixelData.push(ab(new Uint8Array(jpeg)));
    }
  } else if (ts === TRANSFER_SYNTAX.jpeg2000) {
    // Not a real JPEG 2000 stream: EyeNet must refuse the transfer syntax before reading any of it.
    pixelData = [new Uint8Array([0xff, 0x4f, 0xff, 0x51, 0, 0]).buffer];
  } else {
    const all = new Uint8Array(samples.byteLength * frames);
    for (let f = 0; f < frames; f++) all.set(frame(f, samples), f * samples.byteLength);
    pixelData = [ab(all)];
  }
  const sop = DicomMetaDictionary.uid();
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sop,
    TransferSyntaxUID: ts,
    ImplementationClassUID: '2.25.1',
  };
  const dataset: Record<string, unknown> = {
    SOPClassUID: sopClass,
    SOPInstanceUID: sop,
    StudyInstanceUID: DicomMetaDictionary.uid(),
    SeriesInstanceUID: DicomMetaDictionary.uid(),
    PatientName: 'Doe^Jane',
    PatientID: 'D-100',
    PatientBirthDate: '19600102',
    PatientSex: 'F',
    StudyDate: '20261130',
    Modality: options.sopClass === 'SC' ? 'OT' : 'OP',
    ImageLaterality: 'L',
    Manufacturer: 'Topcon',
    ManufacturerModelName: 'TRC-NW8',
    Rows: picture.height,
    Columns: picture.width,
    SamplesPerPixel: options.grey ? 1 : 3,
    PhotometricInterpretation: options.grey
      ? 'MONOCHROME2'
      : ts === TRANSFER_SYNTAX.jpegBaseline || options.ybr422
        ? 'YBR_FULL_422'
        : 'RGB',
    ...(options.grey ? {} : { PlanarConfiguration: 0 }),
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    NumberOfFrames: String(frames),
    PixelData: pixelData,
    _vrMap: { PixelData: 'OB' },
    ...options.tags,
  };
  for (const [k, v] of Object.entries(dataset)) if (v === undefined) delete dataset[k];
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/** The same file re-encoded as JPEG Lossless, First-Order Prediction (1.2.840.10008.1.2.4.70), by DCMTK. */
export function jpegLosslessOf(uncompressed: Uint8Array): Uint8Array {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-dcm-'));
  try {
    writeFileSync(path.join(dir, 'in.dcm'), uncompressed);
    execFileSync('dcmcjpeg', ['+e1', path.join(dir, 'in.dcm'), path.join(dir, 'out.dcm')]);
    return new Uint8Array(readFileSync(path.join(dir, 'out.dcm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
