import { SCREENING_DISCLAIMER } from '../../../contract/index.ts';
import type { HandlerGroup } from '../handler.ts';
import { empty } from '../schemas.ts';

export const appHandlers: HandlerGroup<'app'> = {
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
