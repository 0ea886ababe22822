/**
 * A DICOM Part 10 file: a 128-byte preamble, then "DICM". Shared by the model (which decodes it) and the page
 * (which sends such a file to the DICOM import whatever its name: cameras often write no extension).
 */
export function hasDicomMarker(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}
