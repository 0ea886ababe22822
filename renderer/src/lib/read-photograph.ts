import { MAX_IMAGE_BYTES } from '$contract/index.ts';

/**
 * A chosen file's bytes, refused before reading when it is over the size EyeNet accepts: a file too large to
 * send is said to be too large, never mistaken for the app not answering.
 */
export async function readPhotograph(file: Pick<File, 'name' | 'size' | 'arrayBuffer'>): Promise<Uint8Array> {
  if (file.size > MAX_IMAGE_BYTES)
    throw new Error(
      `${file.name} is ${Math.round(file.size / 2 ** 20)} MB: EyeNet accepts photographs up to ${MAX_IMAGE_BYTES >> 20} MB.`,
    );
  return new Uint8Array(await file.arrayBuffer());
}
