import { z } from 'zod';
import { createPatient, getPatient, listPatients } from '../../db/patients-repo.ts';
import { listImagesForVisit } from '../../db/images-repo.ts';
import { listVisits } from '../../db/visits-repo.ts';
import type { HandlerGroup } from '../handler.ts';
import { id, isoDate } from '../schemas.ts';

const newPatient = z
  .object({
    clinicId: z
      .string()
      .trim()
      .min(1, 'Clinic ID is required.')
      .max(64, 'Clinic ID is at most 64 characters.')
      .regex(/^[\p{L}\p{N}._-]+$/u, 'Clinic ID may use letters, digits, dot, dash and underscore only.'),
    name: z.string().trim().min(1, 'Name is required.').max(200, 'Name is at most 200 characters.'),
    dateOfBirth: isoDate.nullable().optional(),
    sex: z.enum(['female', 'male', 'other']).nullable().optional(),
  })
  .strict();

export const patientHandlers: HandlerGroup<'patients'> = {
  'patients:list': {
    contract: 'Reads patient names and IDs matching a search; changes nothing.',
    input: z.object({ query: z.string().max(200).optional() }).strict(),
    run(ctx, input) {
      return listPatients(ctx.db, input.query);
    },
  },
  'patients:create': {
    contract: 'Adds one patient from validated fields; refuses a duplicate clinic ID.',
    input: newPatient,
    run(ctx, input) {
      return createPatient(ctx.db, input);
    },
  },
  'patients:get': {
    contract: "Reads one patient's record, visits, images and results; changes nothing.",
    input: z.object({ id }).strict(),
    run(ctx, input) {
      const patient = getPatient(ctx.db, input.id);
      const visits = listVisits(ctx.db, patient.id).map((visit) => ({
        ...visit,
        images: listImagesForVisit(ctx.db, visit.id),
      }));
      return { patient, visits };
    },
  },
};
