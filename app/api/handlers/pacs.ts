import { z } from 'zod';
import type { PacsServerInput } from '../../../contract/index.ts';
import { pullStudies } from '../../pacs/pacs-pull.ts';
import { outboxItems, pushResult } from '../../pacs/pacs-outbox.ts';
import { listPacsServers, removePacsServer, savePacsServer } from '../../pacs/pacs-servers.ts';
import { ADMINISTRATORS, CLINICIANS, RECORD_KEEPERS, STAFF, staff, type HandlerGroup } from '../handler.ts';
import { empty, id, pastDate } from '../schemas.ts';

const webUrl = z
  .string()
  .trim()
  .max(500)
  .refine((s) => /^https?:\/\/[^\s]+$/.test(s) && URL.canParse(s), {
    message: 'Give an http:// or https:// URL.',
  });

export const pacsHandlers: HandlerGroup<'pacs'> = {
  'pacs:servers': {
    roles: STAFF,
    audit: 'none',
    contract: 'Lists the DICOMweb servers set up (never their passwords); changes nothing.',
    input: empty,
    run: (ctx) => listPacsServers(ctx),
  },
  'pacs:saveServer': {
    roles: ADMINISTRATORS,
    audit: 'change',
    contract:
      'Adds or changes a DICOMweb server; the password is sealed before it is stored and never returned; credentials in the URL are refused.',
    input: z
      .object({
        id: id.optional(),
        name: z.string().trim().min(1).max(100),
        url: webUrl,
        username: z.string().max(200).optional(),
        password: z.string().max(500).optional(),
        fhirUrl: z.union([webUrl, z.literal('')]).optional(),
      })
      .strict() as unknown as z.ZodType<PacsServerInput>,
    run: (ctx, input) => savePacsServer(ctx, input),
  },
  'pacs:removeServer': {
    roles: ADMINISTRATORS,
    audit: 'change',
    contract: 'Removes a server from the list; what was pulled from and sent to it stays in the record.',
    input: z.object({ id }).strict(),
    run: (ctx, input) => {
      removePacsServer(ctx, input.id);
      return listPacsServers(ctx);
    },
  },
  'pacs:pull': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      'Lists the server’s fundus studies since a date and imports those not pulled before through the DICOM import (patient by ID, eye by laterality); refuses other instances with a reason.',
    input: z.object({ serverId: id, since: pastDate.optional() }).strict(),
    run: (ctx, input, caller) =>
      pullStudies(ctx, input.serverId, input.since ?? null, staff(caller).displayName),
  },
  'pacs:push': {
    roles: CLINICIANS,
    audit: 'change',
    contract:
      'Queues a signed-off visit’s result (SR and PDF, FHIR where set up) for the server and tries to send it; refuses a visit not signed off since its last amendment.',
    input: z.object({ serverId: id, visitId: id }).strict(),
    run: (ctx, input, caller) => pushResult(ctx, input.serverId, input.visitId, staff(caller).displayName),
  },
  'pacs:outbox': {
    roles: STAFF,
    audit: 'none',
    passive: true,
    contract: 'Lists the latest results sent or waiting to go to a PACS; changes nothing.',
    input: empty,
    run: (ctx) => outboxItems(ctx),
  },
};
