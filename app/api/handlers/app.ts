import { SCREENING_DISCLAIMER } from '../../../contract/index.ts';
import { recordVersion } from '../../db/record-version.ts';
import { STAFF, type HandlerGroup } from '../handler.ts';
import { empty } from '../schemas.ts';

export const appHandlers: HandlerGroup<'app'> = {
  'app:changes': {
    roles: STAFF,
    audit: 'none',
    passive: true,
    contract: 'Reads the newest ids of changes, photographs and results as a version token; no patient data.',
    input: empty,
    run: (ctx) => ({ version: recordVersion(ctx.db) }),
  },
  'app:info': {
    roles: 'anyone',
    audit: 'none',
    contract: 'Reads app, model and backend identity; no patient data.',
    input: empty,
    run(ctx) {
      return {
        appVersion: ctx.appVersion,
        backend: ctx.grading.backend ?? 'unavailable',
        engineNote: ctx.grading.engineNote,
        model: ctx.grading.model,
        modelError: ctx.grading.error,
        dataDir: ctx.dataDir,
        disclaimer: SCREENING_DISCLAIMER,
        readOnly: ctx.readOnly,
        auditProblem: ctx.auditCheck?.problem ?? null,
      };
    },
  },
};
