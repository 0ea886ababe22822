import { z } from 'zod';
import { planImport } from '../../services/import-plan.ts';
import type { HandlerGroup } from '../handler.ts';
import { id } from '../schemas.ts';

/** A day's camera export is hundreds of files, not tens of thousands. */
export const MAX_BATCH_FILES = 5000;

export const importHandlers: HandlerGroup<'imports'> = {
  'imports:plan': {
    contract: 'Matches file names (never paths or contents) to patients and eyes; changes nothing.',
    input: z
      .object({
        fileNames: z
          .array(z.string().trim().min(1).max(260))
          .min(1, 'Choose at least one file.')
          .max(MAX_BATCH_FILES),
        target: z.discriminatedUnion('kind', [
          z
            .object({ kind: z.literal('pattern'), pattern: z.string().trim().min(1).max(200).optional() })
            .strict(),
          z.object({ kind: z.literal('patient'), patientId: id }).strict(),
        ]),
      })
      .strict(),
    run(ctx, input) {
      return planImport(ctx.db, input.fileNames, input.target);
    },
  },
};
