import { z } from 'zod';
import { MAX_IMAGE_BYTES, type ImportImageInput } from '../../../contract/index.ts';
import { renderPhotoView, type PhotoView } from '../../../model/index.ts';
import { getStoredImage } from '../../db/images-repo.ts';
import { resultFilesForImage } from '../../db/results-repo.ts';
import { moveImageTo } from '../../services/corrections.ts';
import { importImage } from '../../services/import-image.ts';
import { regradeImage } from '../../services/regrade-image.ts';
import { AppError } from '../../../domain/errors.ts';
import { CLINICIANS, RECORD_KEEPERS, STAFF, staff, type HandlerGroup } from '../handler.ts';
import { eye, id, reason } from '../schemas.ts';
import { newVisit } from './visits.ts';

/** Viewer images are slow to make (CLAHE) and asked for again as staff switch views: keep the last few. */
const VIEW_CACHE_SIZE = 12;
const viewCache = new Map<string, Uint8Array>();
const VIEWS: ReadonlySet<string> = new Set<PhotoView>(['full', 'redfree', 'enhanced', 'brightened']);
const isPhotoView = (kind: string): kind is PhotoView => VIEWS.has(kind);

async function photoView(original: () => Promise<Uint8Array>, sha256: string, view: PhotoView) {
  const key = `${sha256}:${view}`;
  let bytes = viewCache.get(key);
  if (!bytes) {
    bytes = await renderPhotoView(await original(), view);
    viewCache.set(key, bytes);
    if (viewCache.size > VIEW_CACHE_SIZE) viewCache.delete(viewCache.keys().next().value!);
  }
  return bytes;
}

const importInput = z
  .object({
    visitId: id.optional(),
    visit: newVisit.optional(),
    eye: eye.optional(),
    confirmEye: z.boolean().optional(),
    fileName: z.string().trim().min(1).max(260),
    bytes: z
      .instanceof(Uint8Array, { message: 'bytes must be the file content.' })
      .refine((b) => b.byteLength > 0, 'The file is empty.')
      .refine((b) => b.byteLength <= MAX_IMAGE_BYTES, `The file is larger than ${MAX_IMAGE_BYTES >> 20} MB.`),
  })
  .strict()
  .refine((i) => (i.visitId === undefined) !== (i.visit === undefined), {
    message: 'Give the visit to import into (visitId), or the patient and date of a visit to open (visit).',
  }) as unknown as z.ZodType<ImportImageInput>;

export const imageHandlers: HandlerGroup<'images'> = {
  'images:import': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      'Stores the given bytes as a photograph of a visit (opened in the same transaction when asked) after decoding them; reads no path.',
    input: importInput,
    run(ctx, input) {
      return importImage(ctx, input);
    },
  },
  'images:file': {
    roles: STAFF,
    // Opening a photograph (the original or a viewer picture) is a view of the patient's record; the small
    // pictures a list or result card shows are not (opening the record itself was audited).
    audit: 'view',
    auditIf: (input) => input.kind === 'original' || isPhotoView(input.kind),
    contract:
      'Reads one stored photograph, thumbnail, model preview, heatmap, maculopathy evidence map or viewer image of a patient not deleted, by image id; never by path.',
    input: z
      .object({
        imageId: id,
        kind: z.enum([
          'original',
          'thumbnail',
          'preview',
          'heatmap',
          'maculopathy',
          'full',
          'redfree',
          'enhanced',
          'brightened',
        ]),
      })
      .strict(),
    async run(ctx, input) {
      const image = getStoredImage(ctx.db, input.imageId);
      const patientId = image.patientId;
      if (input.kind === 'original')
        return { mimeType: image.mimeType, bytes: await ctx.store.get(image.sha256), patientId };
      if (isPhotoView(input.kind))
        return {
          mimeType: 'image/jpeg',
          bytes: await photoView(() => ctx.store.get(image.sha256), image.sha256, input.kind),
          patientId,
        };
      if (input.kind === 'thumbnail') {
        if (!image.thumbnailSha256) throw new AppError('NOT_FOUND', 'This image has no thumbnail.');
        return { mimeType: 'image/jpeg', bytes: await ctx.store.get(image.thumbnailSha256), patientId };
      }
      const sha = resultFilesForImage(ctx.db, image.id)[input.kind];
      if (!sha) throw new AppError('NOT_FOUND', `This image has no ${input.kind}.`);
      return { mimeType: 'image/png', bytes: await ctx.store.get(sha), patientId };
    },
  },
  'images:regrade': {
    roles: CLINICIANS,
    audit: 'change',
    contract:
      'Grades one stored photograph (by id) again with the model grading now, adding a result; earlier results and reviews stay.',
    input: z.object({ imageId: id }).strict(),
    run: (ctx, input) => regradeImage(ctx, input.imageId),
  },
  'images:move': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      'Moves one photograph to the other eye or another visit, with its results and reviews; logs who, why, from and to.',
    input: z.object({ imageId: id, eye: eye.optional(), visitId: id.optional(), reason }).strict(),
    run(ctx, input, caller) {
      return moveImageTo(ctx.db, { ...input, changedBy: staff(caller).displayName });
    },
  },
};
