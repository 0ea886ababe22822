import { z } from 'zod';
import { createPatient, getPatient, listPatients, updatePatient } from '../../db/patients-repo.ts';
import { listChanges } from '../../db/records-repo.ts';
import { mergePatients } from '../../services/corrections.ts';
import { visitDetailsOf, visitOutcomesOf } from '../../services/patient-record.ts';
import { nextStep } from '../../services/referral.ts';
import { RECORD_KEEPERS, STAFF, staff, type HandlerGroup } from '../handler.ts';
import { birthDate, id, reason } from '../schemas.ts';

const patientFields = {
  clinicId: z
    .string()
    .trim()
    .min(1, 'Clinic ID is required.')
    .max(64, 'Clinic ID is at most 64 characters.')
    .regex(/^[\p{L}\p{N}._-]+$/u, 'Clinic ID may use letters, digits, dot, dash and underscore only.'),
  name: z.string().trim().min(1, 'Name is required.').max(200, 'Name is at most 200 characters.'),
  dateOfBirth: birthDate.nullable().optional(),
  sex: z.enum(['female', 'male', 'other']).nullable().optional(),
  diabetesType: z.enum(['type1', 'type2', 'gestational', 'other', 'unknown']).nullable().optional(),
  diagnosisYear: z
    .number()
    .int()
    .min(1900, 'Year of diagnosis looks wrong.')
    .max(new Date().getFullYear() + 1, 'Year of diagnosis is in the future.')
    .nullable()
    .optional(),
  notes: z.string().max(4000, 'Notes are at most 4000 characters.').optional(),
};

const newPatient = z.object(patientFields).strict();

export const patientHandlers: HandlerGroup<'patients'> = {
  'patients:list': {
    roles: STAFF,
    audit: 'none',
    contract:
      'Reads the patients matching a search, each with the most urgent open decision of their visits; changes nothing.',
    input: z.object({ query: z.string().max(200).optional() }).strict(),
    run(ctx, input) {
      const patients = listPatients(ctx.db, input.query);
      const visits = visitOutcomesOf(
        ctx.db,
        patients.map((p) => p.id),
      );
      return patients.map((patient) => ({ ...patient, nextStep: nextStep(visits.get(patient.id) ?? []) }));
    },
  },
  'patients:create': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract: 'Adds one patient from validated fields; refuses a duplicate clinic ID.',
    input: newPatient,
    run(ctx, input) {
      return createPatient(ctx.db, input);
    },
  },
  'patients:update': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract: "Replaces one existing patient's fields; refuses another patient's clinic ID.",
    input: z.object({ id, version: z.number().int().positive(), ...patientFields }).strict(),
    before: (ctx, input) => getPatient(ctx.db, input.id),
    run(ctx, input) {
      return updatePatient(ctx.db, input);
    },
  },
  'patients:get': {
    roles: STAFF,
    audit: 'view',
    contract: "Reads one patient's record, visits, images and results; changes nothing.",
    input: z.object({ id }).strict(),
    run(ctx, input) {
      const patient = getPatient(ctx.db, input.id);
      const visits = visitDetailsOf(ctx.db, [patient.id]).get(patient.id) ?? [];
      return { patient, visits, nextStep: nextStep(visits), changes: listChanges(ctx.db, patient.id) };
    },
  },
  'patients:merge': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      'Moves every visit of a duplicate registration to the kept patient and keeps the duplicate as a restorable tombstone.',
    input: z.object({ keepId: id, mergeId: id, reason }).strict(),
    run(ctx, input, caller) {
      return mergePatients(ctx.db, { ...input, changedBy: staff(caller).displayName });
    },
  },
};
