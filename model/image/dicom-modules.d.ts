// The parts of dcmjs and jpeg-lossless-decoder-js that EyeNet uses; neither ships its own types.
declare module 'dcmjs' {
  type Dataset = Record<string, unknown>;
  interface DicomDictInstance {
    meta: Record<string, { vr: string; Value: unknown[] }>;
    dict: Record<string, { vr: string; Value: unknown[] }>;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomMessage: {
        readFile(
          buffer: ArrayBuffer,
          options?: { untilTag?: string; includeUntilTagValue?: boolean; ignoreErrors?: boolean },
        ): DicomDictInstance;
      };
      DicomMetaDictionary: {
        naturalizeDataset(dict: DicomDictInstance['dict']): Dataset;
        denaturalizeDataset(dataset: Dataset): DicomDictInstance['dict'];
        uid(): string;
      };
      DicomDict: new (meta: DicomDictInstance['meta']) => DicomDictInstance;
    };
  };
  export default dcmjs;
}

declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    decode(
      buffer: ArrayBuffer,
      offset?: number,
      length?: number,
      numBytes?: number,
    ): Uint8Array | Uint16Array;
  }
}
