import { z } from 'zod';
import { listDeleted } from '../../db/records-repo.ts';
import { deleteRecord, restoreRecord } from '../../services/corrections.ts';
import { RECORD_KEEPERS, STAFF, staff, type HandlerGroup } from '../handler.ts';
import { empty, id, reason } from '../schemas.ts';

const kind = z.enum(['patient', 'visit', 'image']);

export const recordHandlers: HandlerGroup<'records'> = {
  'records:delete': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      'Hides one patient, visit or photograph as a tombstone (who, when, why); deletes no row and no file.',
    input: z.object({ kind, id, reason }).strict(),
    run(ctx, input, caller) {
      return deleteRecord(ctx.db, { ...input, changedBy: staff(caller).displayName });
    },
  },
  'records:restore': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract: 'Brings one tombstone back (a merged patient is un-merged); logs who restored it.',
    input: z.object({ kind, id }).strict(),
    run(ctx, input, caller) {
      restoreRecord(ctx.db, { ...input, changedBy: staff(caller).displayName });
      return { restored: true as const };
    },
  },
  'records:deleted': {
    roles: STAFF,
    audit: 'none',
    contract: 'Reads every tombstone with who deleted it, when and why; changes nothing.',
    input: empty,
    run(ctx) {
      return listDeleted(ctx.db);
    },
  },
};
