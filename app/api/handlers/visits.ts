import { z } from 'zod';
import { AppError } from '../../../domain/errors.ts';
import { getPatient } from '../../db/patients-repo.ts';
import { createVisit, getVisit } from '../../db/visits-repo.ts';
import type { Database } from '../../db/database.ts';
import { editVisit } from '../../services/corrections.ts';
import { CLINICIANS, RECORD_KEEPERS, staff, type HandlerGroup } from '../handler.ts';
import { visitDetail } from '../../services/patient-record.ts';
import { signOffVisit } from '../../services/visit-signoff.ts';
import { id, pastDate } from '../schemas.ts';

const person = z.string().trim().max(120, 'At most 120 characters.');
const acuity = z
  .string()
  .trim()
  .max(20, 'Visual acuity: at most 20 characters, e.g. 6/9, 20/40 or 0.2 logMAR.');
/** What a clinic records beside the photographs; HbA1c within what a laboratory reports. */
const findings = {
  visualAcuity: z.object({ right: acuity, left: acuity }).strict().optional(),
  dilated: z.boolean().nullable().optional(),
  hba1c: z
    .discriminatedUnion('unit', [
      z.object({
        unit: z.literal('%'),
        value: z.number().min(3, 'HbA1c: 3–20 %.').max(20, 'HbA1c: 3–20 %.'),
      }),
      z.object({
        unit: z.literal('mmol/mol'),
        value: z.number().min(9, 'HbA1c: 9–195 mmol/mol.').max(195, 'HbA1c: 9–195 mmol/mol.'),
      }),
    ])
    .nullable()
    .optional(),
};

export const newVisit = z
  .object({
    patientId: id,
    date: pastDate,
    operator: person.optional(),
    camera: person.optional(),
    ...findings,
  })
  .strict();

/** A visit cannot come before the patient was born (a typo in either date). */
export function assertAfterBirth(db: Database, patientId: number, date: string): void {
  const born = getPatient(db, patientId).dateOfBirth;
  if (born && date < born)
    throw new AppError(
      'INVALID_INPUT',
      `The visit date ${date} is before the patient's date of birth (${born}).`,
    );
}

export const visitHandlers: HandlerGroup<'visits'> = {
  'visits:create': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      "Adds a visit for an existing patient, or returns that date's visit; one per date, never in the future.",
    input: newVisit,
    run(ctx, input) {
      assertAfterBirth(ctx.db, input.patientId, input.date);
      return createVisit(ctx.db, input);
    },
  },
  'visits:update': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      "Corrects an existing visit's date, operator, camera and findings (acuity, dilation, HbA1c); logs before, after and who.",
    input: z
      .object({
        id,
        date: pastDate,
        operator: person,
        camera: person,
        version: z.number().int().positive(),
        ...findings,
      })
      .strict(),
    before: (ctx, input) => getVisit(ctx.db, input.id),
    run(ctx, input, caller) {
      assertAfterBirth(ctx.db, getVisit(ctx.db, input.id).patientId, input.date);
      return editVisit(ctx.db, { ...input, changedBy: staff(caller).displayName });
    },
  },
  'visits:signOff': {
    roles: CLINICIANS,
    audit: 'change',
    contract:
      'Signs off one visit whose photographs are all reviewed, as the signed-in clinician: its report and letter become final.',
    input: z.object({ visitId: id }).strict(),
    run(ctx, input, caller) {
      const { visit } = visitDetail(ctx.db, input.visitId);
      return signOffVisit(ctx.db, visit, staff(caller));
    },
  },
};
