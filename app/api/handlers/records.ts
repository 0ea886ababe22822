import { z } from 'zod';
import { listDeleted } from '../../db/records-repo.ts';
import { deleteRecord, restoreRecord } from '../../services/corrections.ts';
import type { HandlerGroup } from '../handler.ts';
import { changedBy, empty, id, reason } from '../schemas.ts';

const kind = z.enum(['patient', 'visit', 'image']);

export const recordHandlers: HandlerGroup<'records'> = {
  'records:delete': {
    contract:
      'Hides one patient, visit or photograph as a tombstone (who, when, why); deletes no row and no file.',
    input: z.object({ kind, id, changedBy, reason }).strict(),
    run(ctx, input) {
      return deleteRecord(ctx.db, input);
    },
  },
  'records:restore': {
    contract: 'Brings one tombstone back (a merged patient is un-merged); logs who restored it.',
    input: z.object({ kind, id, changedBy }).strict(),
    run(ctx, input) {
      restoreRecord(ctx.db, input);
      return { restored: true as const };
    },
  },
  'records:deleted': {
    contract: 'Reads every tombstone with who deleted it, when and why; changes nothing.',
    input: empty,
    run(ctx) {
      return listDeleted(ctx.db);
    },
  },
};
