import { SCREENING_DISCLAIMER } from '../../../contract/index.ts';
import { recordVersion } from '../../db/record-version.ts';
import { z } from 'zod';
import type { ClinicServerSetting } from '../../../contract/index.ts';
import { AppError } from '../../../domain/errors.ts';
import {
  clearChoice,
  parseChoice,
  readChoice,
  saveChoice,
  verifyChoice,
} from '../../clinic-server/workstation-choice.ts';
import type { AppContext } from '../../services/app-context.ts';
import { ADMINISTRATORS, STAFF, type HandlerGroup } from '../handler.ts';
import { empty } from '../schemas.ts';

function clinicServerSetting(ctx: AppContext): ClinicServerSetting {
  const dir = ctx.clinicServerChoiceDir;
  return { available: dir !== undefined, choice: dir ? readChoice(dir) : null };
}

export const appHandlers: HandlerGroup<'app'> = {
  'app:clinicServer': {
    roles: ADMINISTRATORS,
    audit: 'none',
    contract: "Reads the desktop app's clinic-server choice (address and fingerprint); no patient data.",
    input: empty,
    run: (ctx) => clinicServerSetting(ctx),
  },
  'app:useClinicServer': {
    roles: ADMINISTRATORS,
    audit: 'change',
    readOnlySafe: true,
    contract:
      "Saves the desktop app's choice of a clinic server after checking the server's certificate against the fingerprint given (refused otherwise), or clears it; changes no record.",
    input: z.union([
      z
        .object({ url: z.string().trim().min(1).max(500), fingerprint: z.string().trim().min(1).max(200) })
        .strict(),
      z.object({ ownRecord: z.literal(true) }).strict(),
    ]),
    async run(ctx, input) {
      const dir = ctx.clinicServerChoiceDir;
      if (!dir)
        throw new AppError(
          'INVALID_INPUT',
          "Only the desktop app uses a clinic server this way: in a browser, open the server's address itself.",
        );
      if ('ownRecord' in input) clearChoice(dir);
      else {
        const choice = parseChoice(input.url, input.fingerprint);
        await verifyChoice(choice);
        saveChoice(dir, choice);
      }
      return clinicServerSetting(ctx);
    },
  },
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
