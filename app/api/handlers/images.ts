import { z } from 'zod';
import { getStoredImage } from '../../db/images-repo.ts';
import { resultFilesForImage } from '../../db/results-repo.ts';
import { importImage } from '../../services/import-image.ts';
import { AppError } from '../../../domain/errors.ts';
import type { HandlerGroup } from '../handler.ts';
import { eye, id } from '../schemas.ts';

/** A camera original is rarely over 15 MB; 64 MB refuses accidents without refusing real photographs. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export const imageHandlers: HandlerGroup<'images'> = {
  'images:import': {
    contract:
      'Stores the given bytes as a photograph of an existing visit after decoding them; reads no path.',
    input: z
      .object({
        visitId: id,
        eye: eye.optional(),
        fileName: z.string().trim().min(1).max(260),
        bytes: z
          .instanceof(Uint8Array, { message: 'bytes must be the file content.' })
          .refine((b) => b.byteLength > 0, 'The file is empty.')
          .refine(
            (b) => b.byteLength <= MAX_IMAGE_BYTES,
            `The file is larger than ${MAX_IMAGE_BYTES >> 20} MB.`,
          ),
      })
      .strict(),
    run(ctx, input) {
      return importImage(ctx, input);
    },
  },
  'images:file': {
    contract: 'Reads one stored photograph, thumbnail, model preview or heatmap by image id; never by path.',
    input: z.object({ imageId: id, kind: z.enum(['original', 'thumbnail', 'preview', 'heatmap']) }).strict(),
    async run(ctx, input) {
      const image = getStoredImage(ctx.db, input.imageId);
      if (input.kind === 'original')
        return { mimeType: image.mimeType, bytes: await ctx.store.get(image.sha256) };
      if (input.kind === 'thumbnail') {
        if (!image.thumbnailSha256) throw new AppError('NOT_FOUND', 'This image has no thumbnail.');
        return { mimeType: 'image/jpeg', bytes: await ctx.store.get(image.thumbnailSha256) };
      }
      const sha = resultFilesForImage(ctx.db, image.id)[input.kind];
      if (!sha) throw new AppError('NOT_FOUND', `This image has no ${input.kind}.`);
      return { mimeType: 'image/png', bytes: await ctx.store.get(sha) };
    },
  },
};
