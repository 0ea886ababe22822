import { z } from 'zod';
import { AppError } from '../../../domain/errors.ts';
import { getPatient } from '../../db/patients-repo.ts';
import { createVisit, getVisit } from '../../db/visits-repo.ts';
import type { Database } from '../../db/database.ts';
import { editVisit } from '../../services/corrections.ts';
import { RECORD_KEEPERS, staff, type HandlerGroup } from '../handler.ts';
import { id, pastDate } from '../schemas.ts';

const person = z.string().trim().max(120, 'At most 120 characters.');

export const newVisit = z
  .object({ patientId: id, date: pastDate, operator: person.optional(), camera: person.optional() })
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
    contract: "Corrects an existing visit's date, operator and camera; logs before, after and who.",
    input: z
      .object({ id, date: pastDate, operator: person, camera: person, version: z.number().int().positive() })
      .strict(),
    before: (ctx, input) => getVisit(ctx.db, input.id),
    run(ctx, input, caller) {
      assertAfterBirth(ctx.db, getVisit(ctx.db, input.id).patientId, input.date);
      return editVisit(ctx.db, { ...input, changedBy: staff(caller).displayName });
    },
  },
};
