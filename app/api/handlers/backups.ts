import { z } from 'zod';
import { AppError } from '../../../domain/errors.ts';
import type { AppContext } from '../../services/app-context.ts';
import { ADMINISTRATORS, type HandlerGroup } from '../handler.ts';
import { empty } from '../schemas.ts';

function backups(ctx: AppContext) {
  if (!ctx.backups) throw new AppError('INVALID_INPUT', 'Backups are not available in this process.');
  return ctx.backups;
}

export const backupHandlers: HandlerGroup<'backups'> = {
  'backups:status': {
    roles: ADMINISTRATORS,
    audit: 'none',
    contract: 'Reads the backup folder and the backups in it (from their manifests); changes nothing.',
    input: empty,
    run: (ctx) => backups(ctx).status(),
  },
  'backups:setFolder': {
    roles: ADMINISTRATORS,
    audit: 'change',
    contract:
      'Sets the folder backups go to (a full path outside the data folder, created if needed), or none.',
    input: z.object({ folder: z.string().trim().min(1).max(1000).nullable() }).strict(),
    before: (ctx) => backups(ctx).folder(),
    async run(ctx, input) {
      backups(ctx).setFolder(input.folder);
      return backups(ctx).status();
    },
  },
  'backups:run': {
    roles: ADMINISTRATORS,
    audit: 'change',
    contract:
      'Backs up the database (online) and the photographs it names into the backup folder now, and waits for it; reads every record, changes none.',
    input: empty,
    async run(ctx) {
      await backups(ctx).run();
      return backups(ctx).status();
    },
  },
};
