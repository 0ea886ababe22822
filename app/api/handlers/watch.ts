import { z } from 'zod';
import type { WatchAssign, WatchStatus } from '../../../contract/index.ts';
import { AppError } from '../../../domain/errors.ts';
import type { AppContext } from '../../services/app-context.ts';
import { RECORD_KEEPERS, STAFF, type HandlerGroup } from '../handler.ts';
import { empty, eye, id, pastDate } from '../schemas.ts';

const OFF: WatchStatus = {
  folder: null,
  state: 'off',
  message: 'This process watches no folder.',
  pending: 0,
  unmatched: [],
  recent: [],
};

function watcherOf(ctx: AppContext) {
  if (!ctx.watcher) throw new AppError('INVALID_INPUT', 'This process watches no folder.');
  return ctx.watcher;
}

export const watchHandlers: HandlerGroup<'watch'> = {
  'watch:status': {
    roles: STAFF,
    audit: 'none',
    passive: true,
    contract: "Reads the watch folder's state, its unmatched files and its log; changes nothing.",
    input: empty,
    run: (ctx) => ctx.watcher?.status() ?? OFF,
  },
  'watch:assign': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      'Imports one unmatched watched file (by id, never by path) into the patient, eye and date given, or registers its DICOM patient when asked.',
    input: z
      .object({
        fileId: id,
        patientId: id.optional(),
        eye: eye.optional(),
        date: pastDate.optional(),
        registerPatient: z.boolean().optional(),
      })
      .strict() as unknown as z.ZodType<WatchAssign>,
    run: (ctx, input) => watcherOf(ctx).assign(input),
  },
  'watch:dismiss': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract: 'Marks one unmatched watched file as left out; the file itself is not touched.',
    input: z.object({ fileId: id }).strict(),
    run: (ctx, input) => watcherOf(ctx).dismiss(input.fileId),
  },
};
