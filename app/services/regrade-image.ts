import type { FundusImage } from '../../contract/index.ts';
import { getImage, getStoredImage } from '../db/images-repo.ts';
import { insertResult } from '../db/results-repo.ts';
import type { AppContext } from './app-context.ts';
import { resultOf } from './import-image.ts';
import { withStoredFiles } from './stored-files.ts';

/**
 * Grades a stored photograph again with the model grading now. The new result is the one that counts from now
 * on and waits for a clinician like any other; the earlier result, its grade and its review stay in the record
 * and are shown beside it (FundusImage.earlier).
 */
export async function regradeImage(ctx: AppContext, imageId: number): Promise<FundusImage> {
  const stored = getStoredImage(ctx.db, imageId);
  const graded = await ctx.grading.grade(await ctx.store.get(stored.sha256));
  await withStoredFiles(ctx.store, ctx.db, async (put) => {
    const preview = await put(graded.previewPng);
    const heatmap = graded.heatmapPng ? await put(graded.heatmapPng) : null;
    const evidence = graded.maculopathyEvidencePng ? await put(graded.maculopathyEvidencePng) : null;
    // The photograph may have been deleted while it was graded: getStoredImage again refuses it then.
    getStoredImage(ctx.db, imageId);
    insertResult(
      ctx.db,
      imageId,
      resultOf(ctx, graded, {
        preview: preview.sha256,
        heatmap: heatmap?.sha256 ?? null,
        maculopathy: evidence?.sha256 ?? null,
      }),
    );
  });
  return getImage(ctx.db, imageId);
}
