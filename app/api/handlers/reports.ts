import { z } from 'zod';
import type { DateRangeInput } from '../../../contract/index.ts';
import { fhirExport, openVisitPdf, rangeCsv, visitPdf } from '../../reports/exports.ts';
import { STAFF, type HandlerGroup } from '../handler.ts';
import { id, isoDate } from '../schemas.ts';

const kind = z.enum(['report', 'referral']);

const range = z
  .object({ from: isoDate, to: isoDate })
  .strict()
  .refine((r) => r.from <= r.to, { message: 'The range must start on or before the day it ends.' });

export const reportHandlers: HandlerGroup<'reports'> = {
  'reports:pdf': {
    roles: STAFF,
    audit: 'view',
    contract:
      'Reads one live visit and makes its PDF report or referral letter; changes nothing, writes no file.',
    input: z.object({ visitId: id, kind, paperSize: z.enum(['A4', 'Letter']).optional() }).strict(),
    run: (ctx, input, caller) => visitPdf(ctx, input.visitId, input.kind, input.paperSize, caller.user),
  },
  'reports:open': {
    roles: STAFF,
    audit: 'view',
    contract:
      "Writes one visit's PDF into the data folder's reports/ (a name it makes, never one from the caller) and opens it with the system viewer.",
    input: z.object({ visitId: id, kind }).strict(),
    run: (ctx, input, caller) => openVisitPdf(ctx, input.visitId, input.kind, caller.user),
  },
};

export const exportHandlers: HandlerGroup<'exports'> = {
  'exports:csv': {
    roles: STAFF,
    audit: 'view',
    contract: 'Reads the live visits of a date range as CSV, one row per eye; changes nothing.',
    input: range as unknown as z.ZodType<DateRangeInput>,
    run: (ctx, input) => rangeCsv(ctx, input),
  },
  'exports:fhir': {
    roles: STAFF,
    audit: 'view',
    contract:
      'Reads one live visit, or every live visit of a date range, as a FHIR R4 Bundle; changes nothing.',
    input: z.union([z.object({ visitId: id }).strict(), range]) as unknown as z.ZodType<
      { visitId: number } | DateRangeInput
    >,
    run: (ctx, input) => fhirExport(ctx, input),
  },
};
